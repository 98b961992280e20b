// The register's filters, shared by the customer list and the fleet's usage: the text search,
// the status and the plan, with the same words and the same test ids in each view.
import type { Plan, Status } from '../bindings';
import { PLANS, STATUSES, useI18n } from '../i18n';

export function SearchFilter({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { t } = useI18n();
  return (
    <label className="field-inline grow">
      <span className="visually-hidden">{t('list.search')}</span>
      <span className="search-icon" aria-hidden="true">
        ⌕
      </span>
      <input
        type="search"
        className="input input-search"
        data-testid="search"
        placeholder={t('list.searchPlaceholder')}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        autoComplete="off"
        spellCheck={false}
      />
    </label>
  );
}

export function StatusFilter({ value, onChange }: { value: Status | ''; onChange: (v: Status | '') => void }) {
  const { t } = useI18n();
  return (
    <label className="field-inline">
      <span className="toolbar-label">{t('list.statusFilter')}</span>
      <select className="select" data-testid="status-filter" value={value} onChange={(e) => onChange(e.target.value as Status | '')}>
        <option value="">{t('list.allStatuses')}</option>
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {t(`status.${s}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function PlanFilter({ value, onChange }: { value: Plan | ''; onChange: (v: Plan | '') => void }) {
  const { t } = useI18n();
  return (
    <label className="field-inline">
      <span className="toolbar-label">{t('list.planFilter')}</span>
      <select className="select" data-testid="plan-filter" value={value} onChange={(e) => onChange(e.target.value as Plan | '')}>
        <option value="">{t('list.allPlans')}</option>
        {PLANS.map((p) => (
          <option key={p} value={p}>
            {t(`plan.${p}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The register's text search, for a list held in the window: name or slug, any case. */
export function matchesSearch(search: string, row: { name: string; slug: string }): boolean {
  const q = search.trim().toLowerCase();
  return q === '' || row.name.toLowerCase().includes(q) || row.slug.toLowerCase().includes(q);
}
