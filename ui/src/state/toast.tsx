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
 * Notices stack in the window's bottom-right corner, newest at the bottom (in the very corner), at most three. The
 * corner is part of the layout, not a layer over it: the page above ends where the stack begins,
 * so no notice can lie over a button, a form's actions or a dialog (a dialog's backdrop covers
 * the corner, not the other way round), and with no notice the corner takes no room. Each can be
 * dismissed, two or more all at once, and each goes by itself.
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
        <NoticeCorner notices={notices} onDismiss={dismiss} onDismissAll={dismissAll} />
      </div>
    </ToastContext.Provider>
  );
}

function NoticeCorner({ notices, onDismiss, onDismissAll }: { notices: Notice[]; onDismiss: (id: number) => void; onDismissAll: () => void }) {
  const { t } = useI18n();
  if (notices.length === 0) return <footer className="notice-corner" data-testid="notice-corner" aria-live="polite" />;
  return (
    <footer className="notice-corner" data-testid="notice-corner" aria-live="polite">
      {notices.length > 1 && (
        <button type="button" className="notice-all-button" data-testid="toast-dismiss-all" onClick={onDismissAll}>
          {t('toast.closeAll')}
        </button>
      )}
      <ol className="notice-stack" aria-label={t('toast.list')}>
        {notices.map((n) => (
          <li key={n.id}>
            <NoticeLine notice={n} testId="toast" onDismiss={onDismiss} />
          </li>
        ))}
      </ol>
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
