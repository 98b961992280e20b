// The customer rules of the fake backend, as a thin interpreter of the core's own rules:
// ui/tests/fixtures/core-rules.json, generated from the Rust core by tests/ui_fixtures.rs
// (`UPDATE_UI_FIXTURES=1 cargo test -p fabrik --test all ui_fixtures::`). The manifest, plans,
// statuses, reserved slugs, limits, the message templates, each field problem's parameters and
// how each character folds into a slug all come from that file; only the order of the checks
// lives here, and tests/rules.test.mjs holds this file to every sample answer the core recorded
// there, so the fake cannot drift from the core.
//
// Classic script (no imports): the harness injects it into the page before mock-backend.js, and
// rules.test.mjs runs it in node. It defines `globalThis.__fabrikMockRules(coreRules)`.
(function (root) {
  'use strict';

  root.__fabrikMockRules = function createRules(core) {
    if (!core || !core.manifest) throw new Error('core-rules.json was not passed to the fake backend');
    const LIMITS = core.limits;
    const RESERVED = core.reserved_slugs;
    const MANIFEST = core.manifest;
    const FOLD = core.slug_fold;
    const CATALOG = core.catalog;
    const MODULE_KEYS = MANIFEST.modules.map((m) => m.key);

    /** Fills `{name}` placeholders (messages::render): unknown names stay as they are. */
    function render(template, params) {
      return template.replace(/\{([^{}]*)\}/g, (whole, name) => (Object.hasOwn(params, name) ? params[name] : whole));
    }
    /**
     * The core's FieldError for `key` (`field.text` in core-rules.json) on `field`, with the
     * parameters the core gives it and `params` on top; `code` overrides the rule broken.
     */
    function fe(key, { field = key.slice(0, key.indexOf('.')), code, params } = {}) {
      const shape = core.field_errors[key];
      if (!shape) throw new Error(`core-rules.json has no field problem ${key}`);
      const p = { ...shape.params, ...params };
      return { field, code: code ?? shape.code, text: shape.text, message: render(CATALOG[shape.text].sv, p), params: p };
    }

    // ---------- slugs (crates/fabrik-customer/src/customer/slug.rs) ----------
    /** The code of the first rule the slug breaks, or null. */
    function validateSlug(s) {
      if (/[^a-z0-9-]/.test(s)) return 'slug_invalid_character';
      if (s.length < LIMITS.slug_min) return 'slug_too_short';
      if (s.length > LIMITS.slug_max) return 'slug_too_long';
      if (s.startsWith('-') || s.endsWith('-')) return 'slug_edge_hyphen';
      if (s.includes('--')) return 'slug_double_hyphen';
      if (RESERVED.includes(s)) return 'slug_reserved';
      return null;
    }
    /** A character's part in a slug: kept letters and digits, `-` for a separator, '' if dropped. */
    function fold(ch) {
      if (ch in FOLD) return FOLD[ch];
      // Not in the core's table: fold the decomposed parts the table knows (accents drop);
      // anything else separates words.
      const parts = ch.normalize('NFKD').replace(/\p{M}/gu, '');
      if (parts === ch) return '-';
      return [...parts].map((c) => (c in FOLD ? FOLD[c] : '-')).join('');
    }
    /** { slug } or { error: code }. */
    function deriveSlug(name) {
      let out = '';
      let pending = false;
      for (const ch of name) {
        for (const c of fold(ch)) {
          if (c === '-') pending = true;
          else {
            if (pending && out) out += '-';
            pending = false;
            out += c;
          }
        }
      }
      if (out.length > LIMITS.slug_max) {
        out = out.slice(0, LIMITS.slug_max);
        const cut = out.lastIndexOf('-');
        if (cut >= LIMITS.slug_min) out = out.slice(0, cut);
        out = out.replace(/-+$/, '');
      }
      const code = validateSlug(out);
      return code ? { error: code } : { slug: out };
    }
    function slugError(given, code) {
      const rule = fe(`slug.${code}`);
      if (given) return rule;
      // A name that yields no valid slug: the rule broken, worded as "could not make one".
      const reason = rule.message.toLowerCase();
      const reasonEn = render(CATALOG[rule.text].en, rule.params).toLowerCase();
      return fe('slug.slug_not_derivable', { code: rule.code, params: { reason, reason_en: reasonEn } });
    }
    const takenField = (slug) => fe('slug.slug_taken', { params: { slug } });

    // ---------- fields (crates/fabrik-customer/src/customer/validate.rs) ----------
    const bytes = (s) => new TextEncoder().encode(s).length;
    const len = (s) => [...s].length;
    // The `email_address` crate's atext: Unicode letters and digits and these symbols.
    const ATOM = /^[\p{Alphabetic}\p{N}!#$%&'*+/=?^_`{|}~-]+$/u;
    function quotedLocalOk(inner) {
      // qcontent: printable ASCII but `"` and `\`, spaces, and `\` + a printable character.
      for (let i = 0; i < inner.length; i++) {
        const c = inner[i];
        if (c === '\\') {
          const n = inner[++i];
          if (n === undefined || n < '\x21' || n > '\x7e') return false;
        } else if (!(c === ' ' || c === '\t' || c === '\x21' || (c >= '\x23' && c <= '\x5b') || (c >= '\x5d' && c <= '\x7e'))) return false;
      }
      return true;
    }
    function validateEmail(email) {
      const bad = (text) => fe(`admin_email.${text}`);
      if (email === '') return bad('required');
      if (bytes(email) > LIMITS.email_max) return bad('email_too_long');
      const at = email.lastIndexOf('@');
      if (at < 0) return bad('email_no_at');
      const local = email.slice(0, at);
      const domain = email.slice(at + 1);
      const domainOk =
        domain.includes('.') &&
        !domain.startsWith('.') &&
        !domain.endsWith('.') &&
        domain.split('.').every((l) => l && !l.startsWith('-') && !l.endsWith('-') && /^[A-Za-z0-9-]+$/.test(l) && l.length <= LIMITS.email_label_max);
      const quoted = local.length >= 2 && local.startsWith('"') && local.endsWith('"');
      const localOk =
        bytes(local) <= LIMITS.email_local_max &&
        !local.includes('<') &&
        (quoted ? local.length > 2 && quotedLocalOk(local.slice(1, -1)) : local.split('.').every((a) => ATOM.test(a)));
      if (!local || !domainOk || !localOk) return bad('email_invalid');
      return null;
    }
    function validateHttpsUrl(field, value) {
      let u;
      try {
        u = new URL(value);
      } catch {
        return fe('url.url_invalid', { field });
      }
      if (u.protocol === 'https:' && u.hostname) return null;
      return fe('url.url_not_https', { field });
    }
    function checkInstance(inst, errors) {
      for (const f of ['production_url', 'github_repo_url']) {
        if (inst[f] != null) {
          const e = validateHttpsUrl(f, inst[f]);
          if (e) errors.push(e);
        }
      }
      const r = inst.supabase_project_ref;
      if (r != null && !/^[a-z]{20}$/.test(r)) errors.push(fe('supabase_project_ref.supabase_ref_invalid'));
      const v = inst.vercel_project_id;
      if (v != null && !/^prj_[A-Za-z0-9]{1,64}$/.test(v)) errors.push(fe('vercel_project_id.vercel_id_invalid'));
      const n = inst.n8n_workflow_id;
      if (n != null && !/^[A-Za-z0-9-]{1,64}$/.test(n)) errors.push(fe('n8n_workflow_id.n8n_id_invalid'));
    }
    /** Trims a free-text field; absent (null or undefined) and blank are both null. */
    const optText = (v) => {
      if (v == null) return null;
      const s = String(v).trim();
      return s === '' ? null : s;
    };
    function checkCommon(f, errors) {
      if (f.name === '') errors.push(fe('name.required'));
      else if (len(f.name) > LIMITS.name_max) errors.push(fe('name.too_long'));
      const e = validateEmail(f.admin_email);
      if (e) errors.push(e);
      if (f.contact_name && len(f.contact_name) > LIMITS.name_max) errors.push(fe('contact_name.too_long'));
      if (len(f.notes) > LIMITS.notes_max) errors.push(fe('notes.too_long'));
      checkInstance(f.instance, errors);
    }
    function normalizeModules(mods) {
      return [...new Set(mods)].filter((m) => MODULE_KEYS.includes(m)).sort((a, b) => MODULE_KEYS.indexOf(a) - MODULE_KEYS.indexOf(b));
    }
    const emptyInstance = () => ({ production_url: null, github_repo_url: null, supabase_project_ref: null, vercel_project_id: null, n8n_workflow_id: null });
    const defaultsFor = (plan) => MANIFEST.plans[plan] ?? [];

    /** { fields } or { errors }; absent fields may be null or undefined, as serde reads them. */
    function validateDraft(d) {
      const errors = [];
      const name = String(d.name ?? '').trim();
      const given = optText(d.slug);
      let slug = '';
      if (given != null) {
        const code = validateSlug(given);
        if (code) errors.push(slugError(true, code));
        else slug = given;
      } else if (name !== '') {
        const r = deriveSlug(name);
        if (r.error) errors.push(slugError(false, r.error));
        else slug = r.slug;
      }
      const plan = d.plan ?? 'starter';
      const f = {
        name,
        slug,
        admin_email: String(d.admin_email ?? '').trim(),
        contact_name: optText(d.contact_name),
        plan,
        modules: normalizeModules(d.modules ?? defaultsFor(plan)),
        status: d.status ?? 'pending',
        notes: String(d.notes ?? '').trim(),
        instance: emptyInstance(),
      };
      checkCommon(f, errors);
      return errors.length ? { errors } : { fields: f };
    }
    const instanceIsEmpty = (i) => Object.values(i).every((v) => v == null);
    function validatePatch(cur, p) {
      const errors = [];
      const keepOr = (nv, old) => (nv == null ? old : optText(nv));
      const instance = {};
      for (const k of Object.keys(emptyInstance())) instance[k] = keepOr(p[k], cur.instance[k] ?? null);
      let slug = cur.slug;
      if (p.slug != null && p.slug.trim() !== cur.slug) {
        const s = p.slug.trim();
        const code = validateSlug(s);
        if (code) errors.push(slugError(true, code));
        // Every cloud resource is named after the slug; renaming would orphan them.
        else if (!instanceIsEmpty(cur.instance) || !['pending', 'failed'].includes(cur.status)) errors.push(fe('slug.slug_locked'));
        slug = s;
      }
      const plan = p.plan ?? cur.plan;
      const modules = p.modules != null ? p.modules : p.plan != null && p.plan !== cur.plan ? defaultsFor(p.plan) : cur.modules;
      const f = {
        name: p.name != null ? p.name.trim() : cur.name,
        slug,
        admin_email: p.admin_email != null ? p.admin_email.trim() : cur.admin_email,
        contact_name: keepOr(p.contact_name, cur.contact_name),
        plan,
        modules: normalizeModules(modules),
        status: p.status ?? cur.status,
        notes: p.notes != null ? p.notes.trim() : cur.notes,
        instance,
      };
      checkCommon(f, errors);
      return errors.length ? { errors } : { fields: f };
    }
    /** `check_draft` (src/api/mod.rs): the slug preview shows whenever the name or slug allows one. */
    function checkDraft(draft, slugInUse) {
      const r = validateDraft(draft);
      if (r.errors) {
        const given = optText(draft.slug);
        const preview = given != null ? (validateSlug(given) ? null : given) : deriveSlug(String(draft.name ?? '').trim()).slug ?? null;
        return { slug: preview, errors: r.errors };
      }
      return { slug: r.fields.slug, errors: slugInUse(r.fields.slug) ? [takenField(r.fields.slug)] : [] };
    }

    return {
      MANIFEST,
      PLANS: core.plans,
      STATUSES: core.statuses,
      MODULE_KEYS,
      render,
      /** A coded failure's text in both languages, as the core stores it (`Text::of`). */
      coded: (code, params, sv) => ({ sv: sv ?? render(CATALOG[code].sv, params ?? {}), en: render(CATALOG[code].en, params ?? {}) }),
      validateSlug,
      deriveSlug,
      validateEmail,
      validateDraft,
      validatePatch,
      checkDraft,
      takenField,
      emptyInstance,
      defaultsFor,
    };
  };
})(globalThis);
