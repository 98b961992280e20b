// The fake backend's update of Fabrik itself (src/api/updates.rs): the check, and an install
// that waits for the runs this window drives, downloads, then restarts. Classic script;
// mock-backend.js calls `__fabrikMockUpdate`.
(function () {
  'use strict';

  window.__fabrikMockUpdate = function (fake) {
    const { CONFIG } = fake;

    const updateCommands = {};
    // CONFIG.update: { offer: Offer (default: up to date), error: code (the check fails with it),
    // runs: [ids] (runs this window drives: the install waits; window.__mockUpdate.endRuns()),
    // fails: code (the download's verdict, e.g. update_signature), answerLate: the install's own
// answer comes after the download's events, as the core's can: its download starts before the
// command returns }.
    const UP = { cfg: CONFIG.update || {}, runs: [...((CONFIG.update || {}).runs || [])], installed: false, answers: 0 };
    const UPDATE_CURRENT = '0.1.0-mock';
    const updateError = (code, extra = {}) => ({ code, message: code, fields: [], params: { current: UPDATE_CURRENT, feed: 'https://releases.example.test/latest.json', detail: 'connection refused', ...extra } });
    const emitUpdate = (payload) => window.__TAURI_INTERNALS__.invoke('plugin:event|emit', { event: 'update', payload });
    function updateProceed() {
      const version = UP.cfg.offer.version;
      const total = 50 * 1048576;
      void emitUpdate({ phase: 'downloading', version, received: total / 2, total });
      setTimeout(() => {
        void emitUpdate({ phase: 'downloading', version, received: total, total });
        if (UP.cfg.fails) {
          void emitUpdate({ phase: 'failed', error: updateError(UP.cfg.fails, { version, detail: 'signature mismatch' }) });
        } else {
          UP.installed = true;
          void emitUpdate({ phase: 'installing', version });
          void emitUpdate({ phase: 'restarting', version });
        }
      }, 50);
    }
    window.__mockUpdate = {
      /** Another answer from now on (a test that walks several in one window). */
      configure(cfg) {
        UP.cfg = cfg;
        UP.runs = [...(cfg.runs || [])];
      },
      endRuns() {
        UP.runs = [];
        updateProceed();
      },
      installed: () => UP.installed,
      /** How many install commands have answered. */
      answers: () => UP.answers,
    };
    Object.assign(updateCommands, {
      update_check: () => {
        if (UP.cfg.error) throw updateError(UP.cfg.error);
        return { current: UPDATE_CURRENT, feed: 'https://releases.example.test/latest.json', offer: UP.cfg.offer || { kind: 'up_to_date', version: UPDATE_CURRENT } };
      },
      update_install: async () => {
        if (UP.cfg.offer?.kind !== 'newer') throw updateError('update_nothing_newer');
        if (UP.runs.length) return { phase: 'waiting', runs: [...UP.runs] };
        setTimeout(updateProceed, 30);
        if (UP.cfg.answerLate) await new Promise((r) => setTimeout(r, 300));
        setTimeout(() => { UP.answers += 1; }, 0);
        return { phase: 'downloading', version: UP.cfg.offer.version, received: 0, total: null };
      },
    });
    return { commands: updateCommands };
  };
})();
