import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Status } from '../bindings';
import { useI18n } from '../i18n';
import { isActive, useRuns } from '../state/runs';
import { useToast } from '../state/toast';

export function StatusBadge({ status }: { status: Status }) {
  const { t } = useI18n();
  return (
    <span className={`badge status-${status}`} data-status={status}>
      <span className="badge-dot" aria-hidden="true" />
      {t(`status.${status}`)}
    </span>
  );
}

/**
 * A customer's status as it is now: "Provisioneras" while one of its provisioning runs is being
 * driven, whatever the register said when the page or the list was loaded (it catches up when
 * the run writes its end).
 */
export function LiveStatusBadge({ slug, status }: { slug: string; status: Status }) {
  const { runs, latest } = useRuns();
  const id = latest[slug];
  const v = id === undefined ? undefined : runs[id];
  const live = v && v.run.kind === 'provision' && isActive(v.run.state) ? 'provisioning' : status;
  return <StatusBadge status={live} />;
}

/** Stripe ended the subscription the customer came from (the inbox). */
export function CancelledTag() {
  const { t } = useI18n();
  return (
    <span className="tag-cancelled" data-testid="cancelled-tag">
      {t('customer.cancelledTag')}
    </span>
  );
}

export function ExampleTag() {
  const { t } = useI18n();
  return <span className="tag-example">{t('list.example')}</span>;
}

/** A value that follows `value` after `ms` of quiet. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(id);
  }, [value, ms]);
  return v;
}

/** A modal dialog: focus moves in and is kept in, Escape cancels, focus returns on close. */
export function Dialog({
  title,
  children,
  actions,
  onCancel,
  labelledBy,
  testId,
}: {
  testId?: string;
  title: string;
  children: ReactNode;
  actions: ReactNode;
  onCancel: () => void;
  labelledBy: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  // The second click of a double click that opened the dialog must not close it again.
  const openedAt = useRef(Date.now());
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>('[data-autofocus]') ?? ref.current?.querySelector<HTMLElement>('button');
    // Focus without scrolling: a dialog opens at its top, whatever button is focused below
    // (issue #68: the plan dialog opened scrolled to its middle).
    first?.focus({ preventScroll: true });
    for (const el of [ref.current, ref.current?.querySelector('.dialog-body')]) if (el) el.scrollTop = 0;
    return () => before?.focus?.();
  }, []);

  function onKeyDown(e: React.KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault();
      onCancel();
      return;
    }
    if (e.key === 'Tab' && ref.current) {
      const items = Array.from(ref.current.querySelectorAll<HTMLElement>('button, input, select, textarea, [tabindex]:not([tabindex="-1"])'));
      if (items.length === 0) return;
      const first = items[0];
      const last = items[items.length - 1];
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  }

  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && Date.now() - openedAt.current > 500 && onCancel()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby={labelledBy} data-testid={testId} ref={ref} onKeyDown={onKeyDown}>
        <h2 id={labelledBy} className="dialog-title">
          {title}
        </h2>
        <div className="dialog-body">{children}</div>
        <div className="dialog-actions">{actions}</div>
      </div>
    </div>
  );
}

/**
 * A dialog that acts only after a name is typed exactly (the slug for "Avveckla", the
 * resource's name for "Ta över…"): one place for how destructive or ownership-changing
 * confirmations work. `ready` may hold the button back (e.g. while a list still loads);
 * `onConfirm` rejects to keep the dialog open.
 */
export function TypedConfirmDialog({
  id,
  title,
  children,
  label,
  expected,
  confirmLabel,
  cancelLabel,
  ready = true,
  onCancel,
  onConfirm,
}: {
  /** Test ids and element ids derive from it: `${id}-dialog`, `${id}-input`, `${id}-confirm`. */
  id: string;
  title: string;
  children: ReactNode;
  label: string;
  expected: string;
  confirmLabel: string;
  cancelLabel: string;
  ready?: boolean;
  onCancel: () => void;
  onConfirm: (typed: string) => Promise<void>;
}) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const ok = ready && text.trim() === expected;
  async function confirm() {
    setBusy(true);
    try {
      await onConfirm(text.trim());
    } catch {
      setBusy(false);
    }
  }
  return (
    <Dialog
      title={title}
      labelledBy={`${id}-title`}
      testId={`${id}-dialog`}
      onCancel={onCancel}
      actions={
        <>
          <button type="button" className="btn" onClick={onCancel}>
            {cancelLabel}
          </button>
          <button type="button" className="btn btn-danger" data-testid={`${id}-confirm`} disabled={!ok || busy} onClick={confirm}>
            {confirmLabel}
          </button>
        </>
      }
    >
      {children}
      <label className="label" htmlFor={`${id}-input`}>
        {label}
      </label>
      <input
        id={`${id}-input`}
        className="input mono"
        data-testid={`${id}-input`}
        data-autofocus
        value={text}
        autoComplete="off"
        spellCheck={false}
        placeholder={expected}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && ok) void confirm();
        }}
      />
    </Dialog>
  );
}

/** A provider's id behind "Kopiera id" (issue #68): the window shows an owner no raw id; the id
 * is one click from the clipboard (and in the button's tooltip) for a support case. */
export function CopyId({ id, testId }: { id: string; testId?: string }) {
  const { t } = useI18n();
  const toast = useToast();
  const copy = () =>
    navigator.clipboard.writeText(id).then(
      () => toast('success', t('copyId.done')),
      () => toast('error', t('copyId.failed')),
    );
  return (
    <button type="button" className="btn btn-small btn-link copy-id" data-testid={testId} data-id={id} title={id} onClick={() => void copy()}>
      {t('copyId.button')}
    </button>
  );
}
