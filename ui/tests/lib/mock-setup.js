// The fake backend's setup: the guide and each provider's choices, what each account has left,
// and the guide's proof, a test customer delivered and torn down (src/setup/,
// crates/fabrik-providers/src/providers/choices.rs). Classic script; mock-backend.js calls `__fabrikMockSetup`.
(function () {
  'use strict';

  window.__fabrikMockSetup = function (fake) {
    const { CONFIG, T, apiError, ENVIRONMENT, SIM, settingValue, tokenOf, checkProvider } = fake;

    const setupCommands = {};
    // ---------- The setup guide (src/setup/guide.rs, crates/fabrik-providers/src/providers/choices.rs) ----------
    // The steps and their texts are the core's (fixtures/core-rules.json, `setup_guide`).
    // CONFIG.setup: { started: false (a first start: the guide opens by itself; default true,
    // finished), at, skipped }. The choices mirror the simulator's seeded accounts, one of each
    // kind that cannot be used.
    const SETUP_CFG = CONFIG.setup || {};
    const SETUP = {
      at: SETUP_CFG.at ?? (SETUP_CFG.started === false ? 'agency' : 'done'),
      skipped: [...(SETUP_CFG.skipped || [])],
      started: SETUP_CFG.started !== false,
    };
    const setupGuide = () => ({ ...window.__FABRIK_CORE_RULES__.setup_guide, environment: ENVIRONMENT, at: SETUP.at, skipped: [...SETUP.skipped], started: SETUP.started });
    const STEPS = window.__FABRIK_CORE_RULES__.setup_guide.steps.map((s) => s.step);
    const choiceOf = (value, label, note = null, usable = true, also = []) => ({ value, label, note: note && T(note), usable, also });
    const choiceList = (setting, choices, kind = 'value') => ({ setting, kind, choices });
    function setupChoices(provider) {
      const { token } = tokenOf(provider);
      const none = (problem) => ({ provider, lists: [], problem: problem && T(problem) });
      if (!token) return none(T('Spara token först: valen läses från kontot den öppnar.', 'Save the token first: the choices are read from the account it opens.'));
      if (token.verdict === 'rejected') return none(T('Token avvisades (401)', 'The token was rejected (401)'));
      switch (provider) {
        case 'github':
          return { provider, problem: null, lists: [
            choiceList('github.owner', [choiceOf(SIM.user, SIM.user, T('ditt eget konto', 'your own account')), choiceOf(SIM.org, SIM.org)]),
            choiceList('github.template', [
              choiceOf(`${SIM.org}/saas-template`, `${SIM.org}/saas-template`),
              choiceOf(`${SIM.org}/kund-app`, `${SIM.org}/kund-app`, T('inte ett mallrepo: gör det till ett under repots Settings → Template repository', "not a template: make it one in the repository's Settings → Template repository"), false),
            ]),
          ] };
        case 'supabase': {
          const regions = [
            choiceOf('us-east-1', 'East US (North Virginia) (us-east-1)', T('rekommenderad', 'recommended')),
            choiceOf('eu-north-1', 'North EU (Stockholm) (eu-north-1)'),
            choiceOf('eu-central-1', 'Central EU (Frankfurt) (eu-central-1)'),
            choiceOf('eu-central-2', 'Central Europe (Zurich) (eu-central-2)', T('fullt just nu: Supabase tar inte emot nya projekt här', 'at capacity: Supabase takes no new projects here for now'), false),
          ];
          return { provider, problem: null, lists: [choiceList('supabase.organization', [choiceOf(SIM.supabaseOrg, 'Fabrik Sandbox (fabrik-sandbox)')]), choiceList('supabase.region', regions)] };
        }
        case 'vercel':
          return { provider, problem: null, lists: [choiceList('vercel.team_id', [
            choiceOf('', SIM.user, T('personligt konto', 'personal account'), true, [{ setting: 'vercel.team_slug', value: '' }]),
            choiceOf(SIM.teamId, 'Fabrik Agency (fabrik-agency)', null, true, [{ setting: 'vercel.team_slug', value: SIM.teamSlug }]),
          ])] };
        case 'resend':
          return { provider, problem: null, lists: [choiceList('email.sender_address', [
            choiceOf('sandbox.fabrik.test', 'sandbox.fabrik.test'),
            choiceOf('ny.byran.se', 'ny.byran.se', T('inte verifierad (pending): Resend skickar bara från verifierade domäner', 'not verified (pending): Resend sends only from verified domains'), false),
          ], 'domain')] };
        case 'n8n':
          return { provider, problem: null, lists: [], about: [T('n8n version 1.97.1.', 'n8n version 1.97.1.')] };
        case 'gitea': {
          // The repositories the token may write to; the one set, when Gitea has none by that
          // name, offered to be made (create_backup_repository).
          const wanted = settingValue('backup.repository') || 'ops-hub/client-backups';
          const have = [...GITEA_REPOS];
          return { provider, problem: null, lists: [{ ...choiceList('backup.repository', have.map((r) => choiceOf(r, r))), create: have.includes(wanted) ? null : wanted }] };
        }
        default:
          return { provider, lists: [], problem: null };
      }
    }
    const GITEA_REPOS = new Set(CONFIG.giteaRepos || []);
    Object.assign(setupCommands, {
      setup_guide: () => setupGuide(),
      setup_progress: ({ at, skipped }) => {
        if (!STEPS.includes(at)) throw apiError('invalid_args', `unknown variant ${at}`);
        SETUP.at = at;
        SETUP.skipped = [...new Set((skipped || []).filter((s) => s !== 'done'))];
        SETUP.started = true;
        return setupGuide();
      },
      setup_choices: async ({ provider }) => {
        checkProvider(provider);
        await new Promise((r) => setTimeout(r, CONFIG.testLatency ?? 150));
        return setupChoices(provider);
      },
      create_backup_repository: () => {
        GITEA_REPOS.add(settingValue('backup.repository') || 'ops-hub/client-backups');
        return setupChoices('gitea');
      },
      setup_proof_plan: () => proofPlan(),
      start_setup_proof: () => {
        if (PROOF.phase === 'not_started' || PROOF.phase === 'done') Object.assign(PROOF, { phase: 'provisioning', polls: 0, slug: 'fabrik-provkund-2026-11-26-14-00-00', made: [], removed: [] });
        else if (PROOF.phase === 'stopped') PROOF.phase = 'tearing_down';
        return proofReport();
      },
      setup_proof: () => {
        proofTick();
        return proofReport();
      },
    });

    // ---------- What each account has left (src/setup/accounts_left.rs) ----------
    // CONFIG.left: { providers: [ProviderLeft] (what rate_limits says; default none, so the
    // status bar stays away), plan: [PlanLimit] }.
    const LEFT_CFG = CONFIG.left || {};
    Object.assign(setupCommands, {
      rate_limits: () => ({ environment: ENVIRONMENT, providers: LEFT_CFG.providers || [] }),
      // CONFIG.budget: what bulk_budget answers (default: within every limit).
      bulk_budget: ({ kind, count }) => CONFIG.budget || { count, takes: T(`${kind}: ${count} körningar.`, `${kind}: ${count} runs.`), over: [], minutes: 0 },
      accounts_left: async () => {
        await new Promise((r) => setTimeout(r, CONFIG.testLatency ?? 150));
        return { rates: { environment: ENVIRONMENT, providers: LEFT_CFG.providers || [] }, plan: LEFT_CFG.plan || [] };
      },
    });

    // ---------- The guide's proof (src/setup/test_customer/) ----------
    // CONFIG.proof: { active: n (Supabase's active projects: 2 names the free plan's limit),
    // stopAfterProvision: true (the window "closed" between the runs: it stops there) }. Each
    // `setup_proof` call moves it one step on, as polling a run does.
    const PROOF_CFG = CONFIG.proof || {};
    const PROOF = { phase: 'not_started', polls: 0, slug: null, made: [], removed: [] };
    const PROOF_RESOURCES = [
      ['supabase.project', 'abcdefghijklmnopqrst'],
      ['github.repo', `${SIM.org}/fabrik-provkund-2026-11-26-14-00-00`],
      ['vercel.project', 'prj_proof1'],
      ['n8n.workflow', 'wf_proof1'],
    ];
    function proofPlan() {
      const active = PROOF_CFG.active ?? 0;
      const item = (provider, made, cost) => ({ provider, made: T(...made), cost: T(...cost) });
      return {
        environment: ENVIRONMENT,
        name: 'Fabrik provkund',
        admin_email: 'larm@byran.se',
        items: [
          item('supabase', [`Ett databasprojekt i organisationen ${SIM.supabaseOrg}, region eu-north-1, med mallens schema och en första admin.`, `A database project in the organization ${SIM.supabaseOrg}, region eu-north-1, with the template's schema and a first admin.`], [`Gratisplanen tillåter 2 aktiva gratisprojekt per användare; ${SIM.supabaseOrg} har ${active} aktiva nu. Projektet tas bort efteråt.`, `The free plan allows 2 active free projects per user; ${SIM.supabaseOrg} has ${active} active now. The project is removed afterwards.`]),
          item('github', [`Ett privat repo hos ${SIM.org}, skapat från mallen ${SIM.org}/saas-template.`, `A private repository under ${SIM.org}, made from the template ${SIM.org}/saas-template.`], ['Kostar inget; räknas mot GitHubs gräns för innehåll (500 skrivningar i timmen). Repot tas bort efteråt.', "Costs nothing; counts against GitHub's content limit (500 writes an hour). The repository is removed afterwards."]),
          item('vercel', ['Ett Vercel-projekt med miljövariabler och en publik produktionsdriftsättning.', 'A Vercel project with environment variables and a public production deployment.'], ['En av dagens driftsättningar (100 per dag på Hobby, 6 000 på Pro) och ett av Hobbys 200 projekt. Projektet tas bort efteråt.', "One of today's deployments (100 a day on Hobby, 6,000 on Pro) and one of Hobby's 200 projects. The project is removed afterwards."]),
          item('n8n', ['Ett n8n-flöde för provkunden, aktiverat.', 'An n8n workflow for the test customer, activated.'], ['Kostar inget. Flödet tas bort efteråt.', 'Costs nothing. The workflow is removed afterwards.']),
          item('resend', ['Ett välkomstmejl från Byrån <valkommen@sandbox.fabrik.test> till larm@byran.se.', 'A welcome email from Byrån <valkommen@sandbox.fabrik.test> to larm@byran.se.'], ['Ett av dagens mejl (100 per dag på gratisplanen). Ett skickat mejl kan inte tas tillbaka.', "One of today's emails (100 a day on the free plan). A sent email cannot be taken back."]),
        ],
        caveats: active >= 2 ? [T(`${SIM.supabaseOrg} har redan ${active} aktiva projekt: på gratisplanen (2 per användare) nekar Supabase ett till. Pausa ett, eller välj en organisation med betald plan.`, `${SIM.supabaseOrg} already has ${active} active projects: on the free plan (2 per user) Supabase refuses another. Pause one, or choose an organization on a paid plan.`)] : [],
      };
    }
    function proofTick() {
      if (PROOF.phase === 'provisioning') {
        if (PROOF.made.length < PROOF_RESOURCES.length) {
          const [step, id] = PROOF_RESOURCES[PROOF.made.length];
          PROOF.made.push({ step, id, state: 'succeeded' });
        } else PROOF.phase = PROOF_CFG.stopAfterProvision && !PROOF.resumed ? 'stopped' : 'tearing_down';
        if (PROOF.phase === 'stopped') PROOF.resumed = true;
      } else if (PROOF.phase === 'tearing_down') {
        if (PROOF.removed.length < PROOF.made.length) {
          const m = PROOF.made[PROOF.made.length - 1 - PROOF.removed.length];
          PROOF.removed.push({ step: m.step, id: m.id, state: 'compensated' });
        } else PROOF.phase = 'done';
      }
    }
    const proofReport = () => ({
      phase: PROOF.phase,
      slug: PROOF.slug,
      provision_run: PROOF.slug ? 41 : null,
      teardown_run: PROOF.removed.length || PROOF.phase === 'done' ? 42 : null,
      made: [...PROOF.made],
      removed: [...PROOF.removed],
      seconds: PROOF.phase === 'done' ? 94 : null,
      problem: null,
    });
    return { commands: setupCommands };
  };
})();
