import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n';

export type ToastKind = 'success' | 'error';
interface Notice {
  id: number;
  kind: ToastKind;
  text: string;
  /** The same message again while it still shows: counted, not repeated. */
  count: number;
}

type Show = (kind: ToastKind, text: string) => void;
const ToastContext = createContext<Show>(() => {});

export function useToast(): Show {
  return useContext(ToastContext);
}

/** How long a notice stays: it covers nothing, so it may stay long enough to be read; errors
 * longer than successes. */
const LIFETIME_MS: Record<ToastKind, number> = { success: 6000, error: 10000 };
/** Notices kept at once (issue #68: at most three); the oldest go first. */
const KEEP = 3;

/**
 * Notices live in a bar of their own at the bottom of the window, part of the layout: they
 * take their own room instead of floating over the page, so no notice can ever lie over a
 * button, a form's actions or a dialog (a dialog's backdrop covers the bar, not the other way
 * round). Several in a row collapse into the newest one and a count; the count opens the
 * others in the same bar. Each can be dismissed, and each goes by itself.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const timers = useRef(new Map<number, number>());
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => {
    window.clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setNotices((all) => all.filter((n) => n.id !== id));
  }, []);

  const dismissAll = useCallback(() => {
    timers.current.forEach((t) => window.clearTimeout(t));
    timers.current.clear();
    setNotices([]);
  }, []);

  const show = useCallback<Show>(
    (kind, text) => {
      const id = nextId.current++;
      setNotices((all) => {
        const same = all.find((n) => n.kind === kind && n.text === text);
        const rest = all.filter((n) => n !== same);
        if (same) {
          window.clearTimeout(timers.current.get(same.id));
          timers.current.delete(same.id);
        }
        const kept = [...rest, { id, kind, text, count: (same?.count ?? 0) + 1 }];
        for (const gone of kept.slice(0, Math.max(0, kept.length - KEEP))) {
          window.clearTimeout(timers.current.get(gone.id));
          timers.current.delete(gone.id);
        }
        return kept.slice(-KEEP);
      });
      timers.current.set(
        id,
        window.setTimeout(() => dismiss(id), LIFETIME_MS[kind]),
      );
    },
    [dismiss],
  );

  useEffect(() => {
    const all = timers.current;
    return () => all.forEach((t) => window.clearTimeout(t));
  }, []);

  return (
    <ToastContext.Provider value={show}>
      <div className="app-frame">
        <div className="app-frame-body">{children}</div>
        <NoticeBar notices={notices} onDismiss={dismiss} onDismissAll={dismissAll} />
      </div>
    </ToastContext.Provider>
  );
}

function NoticeBar({ notices, onDismiss, onDismissAll }: { notices: Notice[]; onDismiss: (id: number) => void; onDismissAll: () => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const newest = notices[notices.length - 1];
  const earlier = notices.slice(0, -1).reverse();
  useEffect(() => {
    if (earlier.length === 0) setOpen(false);
  }, [earlier.length]);

  return (
    <footer className="notice-bar" data-testid="notice-bar">
      {open && earlier.length > 0 && (
        <ul className="notice-list" data-testid="notice-list" aria-label={t('toast.earlier')}>
          {earlier.map((n) => (
            <li key={n.id}>
              <NoticeLine notice={n} testId="toast-earlier" onDismiss={onDismiss} />
            </li>
          ))}
        </ul>
      )}
      <div className="notice-current" aria-live="polite">
        {newest && <NoticeLine key={newest.id} notice={newest} testId="toast" onDismiss={onDismiss} />}
        {earlier.length > 0 && (
          <span className="notice-more">
            <button type="button" className="notice-more-button" data-testid="toast-more" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
              {t(open ? 'toast.fewer' : 'toast.more', { count: earlier.length })}
            </button>
            <button type="button" className="notice-more-button" data-testid="toast-dismiss-all" onClick={onDismissAll}>
              {t('toast.closeAll')}
            </button>
          </span>
        )}
      </div>
    </footer>
  );
}

function NoticeLine({ notice, testId, onDismiss }: { notice: Notice; testId: string; onDismiss: (id: number) => void }) {
  const { t } = useI18n();
  return (
    <div className={`toast toast-${notice.kind}`} data-testid={testId} data-kind={notice.kind} role={notice.kind === 'error' ? 'alert' : 'status'}>
      <span className="toast-icon" aria-hidden="true">
        {notice.kind === 'error' ? '!' : '✓'}
      </span>
      <span className="toast-text">
        {notice.text}
      </span>
      {notice.count > 1 && <span className="toast-count">×{notice.count}</span>}
      <button type="button" className="toast-close" data-testid={`${testId}-close`} aria-label={t('toast.close')} onClick={() => onDismiss(notice.id)}>
        ×
      </button>
    </div>
  );
}
