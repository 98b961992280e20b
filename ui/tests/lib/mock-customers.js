// The fake backend's customers (the shapes of crates/fabrik-customer/src/customer/ and crates/fabrik-store/src/store/customers.rs, the
// commands of src/api/customers.rs): the cards with their links, the twelve examples, a bulk of
// generated ones (CONFIG.bulk), the configured ones (CONFIG.customers), the list's search, sort
// and pages, and the checks of a draft and a patch by the core's rules (mock-rules.js). The
// first load of a page seeds the session's state with them. Classic script; mock-backend.js
// calls `__fabrikMockCustomers`.
(function () {
  'use strict';

  window.__fabrikMockCustomers = function (fake) {
    const { CONFIG, state, now, save, ENVIRONMENT, apiError, validation, notFound } = fake;
    const { MANIFEST, PLANS, STATUSES, deriveSlug, validateDraft, validatePatch, checkDraft, takenField, emptyInstance } = fake.rules;

    function links(inst, slug) {
      const https = (v) => (v && v.startsWith('https://') ? v : null);
      return {
        production: https(inst.production_url),
        github: https(inst.github_repo_url),
        supabase: inst.supabase_project_ref ? `https://supabase.com/dashboard/project/${inst.supabase_project_ref}` : null,
        vercel: inst.vercel_project_id ? (CONFIG.vercelScope ? `https://vercel.com/${CONFIG.vercelScope}/${slug}` : 'https://vercel.com/dashboard') : null,
      };
    }

    const EXAMPLES = [
      ["Åsa's Bageri & Café AB", 'asa@asasbageri.se', 'Åsa Lindqvist', 'professional', 'active', ['asas-bageri-cafe-ab', 'qwertyuiopasdfghjklz']],
      ['Fjällstugan Boende', 'bokning@fjallstugan.se', 'Per Ek', 'enterprise', 'active', ['fjallstugan-boende', 'mnbvcxzlkjhgfdsapoiu']],
      ['Göteborgs Cykelverkstad', 'info@gbgcykel.se', 'Sara Holm', 'starter', 'pending', null],
      ['Nordisk Redovisning AB', 'ekonomi@nordiskredovisning.se', 'Johan Berg', 'professional', 'provisioning', null],
      ['Malmö Marknadsföring', 'hej@malmomarknad.se', 'Leila Haddad', 'enterprise', 'failed', null],
      ['Café Öresund', 'kontakt@cafeoresund.se', 'Nils Öberg', 'starter', 'active', ['cafe-oresund', 'zyxwvutsrqponmlkjihg']],
      ['Uppsala Tandvård', 'reception@uppsalatand.se', 'Eva Strand', 'professional', 'inactive', null],
      ['Kiruna Snöskoter Safari', 'tur@kirunasafari.se', 'Anders Niia', 'starter', 'pending', null],
      ['Linköpings Blomsterhandel', 'blommor@lkpgblom.se', 'Maja Ström', 'starter', 'active', ['linkopings-blomsterhandel', 'abcdefghijklmnopqrst']],
      ['Västerås Bilvård', 'service@vasterasbil.se', 'Omar Said', 'professional', 'pending', null],
      ['Skärgårdens Kajak & Äventyr', 'paddla@skargardskajak.se', 'Linnea Wik', 'enterprise', 'failed', null],
      ['Hälsohuset i Lund', 'info@halsohusetlund.se', 'Karin Dahl', 'professional', 'active', ['halsohuset-i-lund', 'lundlundlundlundlund']],
    ];

    if (!state.seeded) {
      state.seeded = true;
      if (CONFIG.examples) insertExamples();
      for (const d of CONFIG.customers || []) {
        const r = validateDraft(d);
        if (r.fields) insertFields(r.fields, false);
      }
    }
    if (state.customers == null) state.customers = [];
    if (CONFIG.bulk && state.customers.length === 0) seedBulk(CONFIG.bulk);
    save();

    function insertFields(f, isExample, seeding = true) {
      const ts = now();
      const c = {
        id: state.nextId++,
        slug: f.slug,
        name: f.name,
        admin_email: f.admin_email,
        contact_name: f.contact_name,
        plan: f.plan,
        modules: f.modules,
        status: f.status,
        notes: f.notes,
        is_example: isExample,
        instance: f.instance,
        // The ledger's word (Customer::made_by_fabrik): the examples and the configured customers
        // stand for an agency whose instances Fabrik delivered, unless the test names a card as
        // typed by hand (CONFIG.typedByHand); the form's customers have made nothing yet.
        made_by_fabrik: seeding && Object.values(f.instance || {}).some(Boolean) && !(CONFIG.typedByHand || []).includes(f.slug),
        created_at: ts,
        updated_at: ts,
        version: 1,
        // The card and status are this environment's (crates/fabrik-store/src/store/customers.rs).
        environment: ENVIRONMENT,
      };
      state.customers.push(c);
      return c;
    }
    function insertExamples() {
      let added = 0;
      for (const [name, email, contact, plan, status, live] of EXAMPLES) {
        const r = validateDraft({ name, admin_email: email, contact_name: contact, plan, notes: 'Exempelkund – kan tas bort med ett klick.' });
        const f = r.fields;
        f.status = status;
        if (live) {
          const [slug, ref] = live;
          f.instance = {
            production_url: `https://${slug}.exempel-fabrik.se`,
            github_repo_url: `https://github.com/exempel-byra/${slug}`,
            supabase_project_ref: ref,
            vercel_project_id: `prj_exempel${slug.replace(/-/g, '')}`,
            n8n_workflow_id: `exempel${ref.slice(0, 8)}`,
          };
        }
        if (!byslug(f.slug)) {
          insertFields(f, true);
          added++;
        }
      }
      return added;
    }
    function seedBulk(n) {
      const words = ['Nord', 'Syd', 'Väst', 'Öst', 'Berg', 'Sjö', 'Skog', 'Fjäll', 'Dal', 'Ängs', 'Ström', 'Holm'];
      const kinds = ['Bygg', 'Café', 'Konsult', 'Redovisning', 'Tandvård', 'Bilvård', 'Design', 'Hotell', 'Frisör', 'Media'];
      for (let i = 1; i <= n; i++) {
        const num = String(i).padStart(5, '0');
        const name = `${words[i % words.length]} ${kinds[i % kinds.length]} ${num} AB`;
        const slug = deriveSlug(name).slug;
        insertFields(
          {
            name,
            slug,
            admin_email: `admin${num}@kund${num}.se`,
            contact_name: null,
            plan: PLANS[i % PLANS.length],
            modules: MANIFEST.plans[PLANS[i % PLANS.length]],
            status: STATUSES[i % STATUSES.length],
            notes: '',
            instance: emptyInstance(),
          },
          false,
        );
      }
    }
    function byslug(slug) {
      return state.customers.find((c) => c.slug === slug) || null;
    }
    // What the instance runs against what is saved (Customer::outdated in crates/fabrik-customer/src/customer/model.rs).
    function outdated(c) {
      const applied = c.applied ?? null;
      const same = (a, b) => [...new Set(a)].sort().join() === [...new Set(b)].sort().join();
      return c.status === 'active' && (!applied || applied.plan !== c.plan || !same(applied.modules, c.modules));
    }
    function full(c) {
      return JSON.parse(JSON.stringify({ ...c, applied: c.applied ?? null, modules_outdated: outdated(c), links: links(c.instance, c.slug), cancelled_at: cancelledAt(c), made_by_fabrik: !!c.made_by_fabrik }));
    }
    function row(c) {
      return {
        id: c.id,
        slug: c.slug,
        name: c.name,
        admin_email: c.admin_email,
        plan: c.plan,
        status: c.status,
        is_example: c.is_example,
        production_url: c.instance.production_url,
        created_at: c.created_at,
        // The last health check (crates/fabrik-store/src/store/health.rs): from the test's config, by slug.
        health: (CONFIG.health || {})[c.slug] ?? null,
        links: links(c.instance, c.slug),
        cancelled_at: cancelledAt(c),
      };
    }
    // Stripe ended the customer's subscription (the inbox): CONFIG.cancelled, by slug.
    function cancelledAt(c) {
      return (CONFIG.cancelled || {})[c.slug] ?? null;
    }
    // SQLite's NOCASE folds ASCII only; everything else compares by code point.
    const nocase = (s) => s.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
    const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

    const customerCommands = {
      list_customers: ({ query }) => {
        const q = query || {};
        const needle = (q.search || '').trim().toLowerCase();
        if (q.status != null && !STATUSES.includes(q.status)) throw apiError('invalid_args', `unknown status ${q.status}`);
        let list = state.customers.filter(
          (c) => (!needle || `${c.name}\n${c.slug}\n${c.admin_email}`.toLowerCase().includes(needle)) && (!q.status || c.status === q.status),
        );
        const sort = q.sort || 'name_asc';
        const by = {
          name_asc: (a, b) => cmp(nocase(a.name), nocase(b.name)) || a.id - b.id,
          name_desc: (a, b) => cmp(nocase(b.name), nocase(a.name)) || b.id - a.id,
          created_desc: (a, b) => cmp(b.created_at, a.created_at) || b.id - a.id,
          created_asc: (a, b) => cmp(a.created_at, b.created_at) || a.id - b.id,
        }[sort];
        if (!by) throw apiError('invalid_args', `unknown sort ${sort}`);
        list = list.slice().sort(by);
        // A page, as the core answers (CustomerQuery::PAGE, at most MAX_PAGE).
        const offset = q.offset ?? 0;
        const limit = Math.min(q.limit ?? 100, 500);
        return {
          total: list.length,
          offset,
          rows: list.slice(offset, offset + limit).map(row),
          has_examples: state.customers.some((c) => c.is_example),
        };
      },
      get_customer: ({ slug }) => {
        const c = byslug(slug);
        if (!c) throw notFound(slug);
        return full(c);
      },
      create_customer: ({ draft }) => {
        const r = validateDraft(draft);
        if (r.errors) throw validation(r.errors);
        if (byslug(r.fields.slug)) throw validation([takenField(r.fields.slug)]);
        return full(insertFields(r.fields, false, false));
      },
      update_customer: ({ slug, patch }) => {
        const cur = byslug(slug);
        if (!cur) throw notFound(slug);
        if (patch.expected_version != null && patch.expected_version !== cur.version)
          throw apiError('stale_version', 'Kunden har ändrats av någon annan sedan du öppnade den; ladda om och försök igen');
        const r = validatePatch(cur, patch);
        if (r.errors) throw validation(r.errors);
        const f = r.fields;
        if (f.slug !== cur.slug && byslug(f.slug)) throw validation([takenField(f.slug)]);
        Object.assign(cur, {
          slug: f.slug,
          name: f.name,
          admin_email: f.admin_email,
          contact_name: f.contact_name,
          plan: f.plan,
          modules: f.modules,
          status: f.status,
          notes: f.notes,
          instance: f.instance,
          updated_at: now(),
          version: cur.version + 1,
        });
        return full(cur);
      },
      delete_customer: ({ slug }) => {
        const i = state.customers.findIndex((c) => c.slug === slug);
        if (i < 0) throw notFound(slug);
        state.customers.splice(i, 1);
        return null;
      },
      check_draft: ({ draft }) => checkDraft(draft, (slug) => !!byslug(slug)),
      check_patch: ({ slug, patch }) => {
        const cur = byslug(slug);
        if (!cur) throw notFound(slug);
        const r = validatePatch(cur, patch);
        if (r.errors) return { slug: null, errors: r.errors };
        const other = byslug(r.fields.slug);
        return { slug: r.fields.slug, errors: other && other.id !== cur.id ? [takenField(r.fields.slug)] : [] };
      },
      load_examples: () => insertExamples(),
      // As the core: an example whose newest run is not a finished teardown may own resources in
      // a cloud, and is kept with the reason (tear it down first).
      remove_examples: () => {
        const touched = (c) => {
          const newest = fake.R.runs.filter((r) => r.customer_id === c.id).sort((a, b) => b.id - a.id)[0];
          return !!newest && !(newest.kind === 'teardown' && newest.state === 'succeeded');
        };
        const kept = state.customers.filter((c) => c.is_example && touched(c));
        const before = state.customers.length;
        state.customers = state.customers.filter((c) => !c.is_example || kept.includes(c));
        const removed = before - state.customers.length;
        const reason = { sv: 'Fabrik kan ha skapat resurser i molnet för den', en: 'Fabrik may have created cloud resources for it' };
        const list = (l) => kept.map((c) => `${c.name} (${c.slug}): ${reason[l]}`).join('; ');
        const message = {
          sv: `Exempelkunder borttagna: ${removed}.` + (kept.length ? ` Behölls: ${list('sv')}. Avveckla dem först (Avveckla på kundsidan, eller fabrik teardown), och ta sedan bort exemplen igen.` : ''),
          en: `Example customers removed: ${removed}.` + (kept.length ? ` Kept: ${list('en')}. Tear them down first (Avveckla on the customer page, or fabrik teardown), then remove the examples again.` : ''),
        };
        return { removed, kept: kept.map((c) => ({ slug: c.slug, name: c.name, reason })), message };
      },
    };
    return { commands: customerCommands, byslug, insertFields, nocase, cmp };
  };
})();
