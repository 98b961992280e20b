// The fake backend's exports of a customer (src/api/export.rs): the archive written to the
// export folder and recorded; the repository and the storage files named as left out. The one
// a teardown offers passes the teardown's gate first; CONFIG.exportFails makes the export fail
// as the core says. Classic script; mock-backend.js calls `__fabrikMockExports`.
(function () {
  'use strict';

  window.__fabrikMockExports = function (fake) {
    const { CONFIG, state, apiError, notFound, iso } = fake;

    const exportCommands = {};
    const exportsOf = {};
    const EXPORT_FOLDER = '/home/user/Hämtningar';
    function writeExport(slug, reason) {
      const c = state.customers.find((x) => x.slug === slug);
      if (!c) throw notFound(slug);
      if (c.status !== 'active') throw apiError('not_provisioned', `${slug} har ingen levererad instans i den här miljön`);
      if (CONFIG.exportFails) throw apiError('export_failed', `Exporten av ${slug} misslyckades: ${CONFIG.exportFails}`);
      const list = (exportsOf[slug] ||= []);
      const file = `fabrik-export-${slug}-2025-01-06-12000${list.length}.zip`;
      const record = {
        id: list.length + 1, customer_id: c.id, environment: 'sandbox', file, bytes: 2_621_440,
        sha256: '9f2c'.repeat(16), schema_version: '20250101000000', template_version: 'c0ffee'.padEnd(40, '0'),
        taken_at: iso(), seat: 'byran@laptop', person: null, reason, in_folder: true, removed_at: null,
      };
      list.unshift(record);
      return {
        path: `${EXPORT_FOLDER}/${file}`, record, tables: 21, rows: 12345,
        omitted: [
          { part: 'repository', why: "the repository's git bundle is not part of this version of Fabrik's export yet" },
          { part: 'storage', why: "the storage files are not part of this version of Fabrik's export yet" },
        ],
      };
    }
    const keepDays = () => {
      const set = state.settings?.['export.keep_days'];
      const n = set === undefined || set === '' ? 90 : Number(set);
      return n === 0 ? null : n;
    };
    Object.assign(exportCommands, {
      export_customer: ({ slug }) => writeExport(slug, 'asked'),
      export_before_teardown: ({ slug, confirmation }) => {
        if (String(confirmation ?? '').trim() !== slug) throw apiError('not_confirmed', 'Skriv kundens adressnamn för att bekräfta');
        return writeExport(slug, 'teardown');
      },
      export_keeping: ({ slug }) => {
        const latest = (exportsOf[slug] ?? [])[0] ?? null;
        const days = keepDays();
        const until = latest && days != null ? new Date(Date.parse(latest.taken_at) + days * 86400000).toISOString() : null;
        return { days, folder: EXPORT_FOLDER, latest, latest_until: until };
      },
      exports: ({ slug }) => exportsOf[slug] ?? [],
    });
    return { commands: exportCommands };
  };
})();
