// The fake backend's handover (the shapes of crates/fabrik-export/src/handover/, the commands of src/api/handover.rs
// and the `handover` run behind `start_run`): none by default; CONFIG.handovers[slug] seeds one
// (the Handover row's fields), a handover run records one, a withdrawal ends it. Classic script;
// mock-backend.js calls `__fabrikMockHandover`.
(function () {
  'use strict';
  const T = (sv, en = sv) => ({ sv, en });
  const PARTS = [
    ['supabase_claimed_at', T('Supabase-projektet', 'The Supabase project')],
    ['vercel_accepted_at', T('Vercel-projektet', 'The Vercel project')],
    ['github_accepted_at', T('GitHub-förrådet', 'The GitHub repository')],
  ];

  window.__fabrikMockHandover = function ({ CONFIG, byslug, notFound, apiError, playDayTwo, steps }) {
    const rows = {};
    let nextId = 1;
    for (const [slug, h] of Object.entries(CONFIG.handovers || {})) rows[slug] = row(slug, h);

    function row(slug, h) {
      return {
        id: nextId++, run_id: null, to_github: '', to_vercel_team: '', to_supabase_org: '', contact: `${slug}@example.se`, letter: null,
        requested_at: new Date().toISOString(), requested_by: 'agency@mock', supabase_claimed_at: null, vercel_accepted_at: null,
        github_accepted_at: null, handed_over_at: null, withdrawn_at: null, withdrawn_by: null, ...h,
      };
    }
    /** The gate (crates/fabrik-provision/src/provision/gate.rs): the slug typed, as the core refuses it. */
    function gate(slug, confirmation) {
      if (String(confirmation ?? '').trim() !== slug) throw apiError('not_confirmed', 'Skriv kundens adressnamn för att bekräfta');
    }
    function customer(slug) {
      const c = byslug(slug);
      if (!c) throw notFound(slug);
      return c;
    }

    return {
      commands: {
        handover_status: ({ slug }) => {
          customer(slug);
          const h = rows[slug] ?? null;
          const lines = h
            ? PARTS.map(([k, part]) => (h[k] ? T(`${part.sv}: taget.`, `${part.en}: taken.`) : T(`${part.sv}: väntar.`, `${part.en}: waiting.`)))
            : [T(`${slug} har ingen överlämning.`, `${slug} has no handover.`)];
          return { slug, handover: h, handed_over: !!h?.handed_over_at, lines };
        },
        // The proven first administrator's address in the instance's Auth: here the card's.
        handover_recipient: ({ slug }) => customer(slug).admin_email,
        handover_withdraw: ({ slug, confirmation }) => {
          customer(slug);
          gate(slug, confirmation);
          const h = rows[slug];
          if (!h) throw apiError('not_now', `${slug}: det finns ingen överlämning att dra tillbaka`);
          if (h.handed_over_at) throw apiError('not_now', `${slug}: överlämningen är redan klar`);
          delete rows[slug];
          return { slug, lines: [T('Överlämningen drogs tillbaka.', 'The handover was withdrawn.')] };
        },
      },
      // The `handover` run (crates/fabrik-export/src/handover/ through start_run): the gate, then the kind's steps played.
      start: ({ slug, confirmation, to_github, to_vercel_team, to_supabase_org }) => {
        const c = customer(slug);
        gate(slug, confirmation);
        if (!c.instance?.production_url) throw apiError('not_provisioned', `${slug} har ingen levererad instans att lämna över.`);
        return playDayTwo(c, 'handover', steps, () => {
          rows[slug] = row(slug, { to_github, to_vercel_team, to_supabase_org });
        });
      },
    };
  };
})();
