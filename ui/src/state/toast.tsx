import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n';

export type ToastKind = 'success' | 'error';
interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

type Show = (kind: ToastKind, text: string) => void;
const ToastContext = createContext<Show>(() => {});

export function useToast(): Show {
  return useContext(ToastContext);
}

/** Transient messages in the bottom corner; errors stay a little longer than successes. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const [toast, setToast] = useState<Toast | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const nextId = useRef(1);

  const show = useCallback<Show>((kind, text) => {
    window.clearTimeout(timer.current);
    const id = nextId.current++;
    setToast({ id, kind, text });
    timer.current = window.setTimeout(() => setToast((cur) => (cur?.id === id ? null : cur)), kind === 'error' ? 7000 : 4000);
  }, []);

  useEffect(() => () => window.clearTimeout(timer.current), []);

  return (
    <ToastContext.Provider value={show}>
      {children}
      <div className="toast-region" aria-live="polite">
        {toast && (
          <div
            key={toast.id}
            className={`toast toast-${toast.kind}`}
            data-testid="toast"
            data-kind={toast.kind}
            role={toast.kind === 'error' ? 'alert' : 'status'}
          >
            <span className="toast-icon" aria-hidden="true">
              {toast.kind === 'error' ? '!' : '✓'}
            </span>
            <span className="toast-text">{toast.text}</span>
            <button type="button" className="toast-close" aria-label={t('toast.close')} onClick={() => setToast(null)}>
              ×
            </button>
          </div>
        )}
      </div>
    </ToastContext.Provider>
  );
}
