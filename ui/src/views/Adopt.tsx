// "Ta över…": adopting on purpose a resource Fabrik did not create. Used from the customer's
// "Inte skapat av Fabrik" card and from the plan before a run.
import { call, type ApiError } from '../api';
import { useI18n } from '../i18n';
import { useToast } from '../state/toast';
import { TypedConfirmDialog } from './common';

/** Only after typing the resource's name exactly; the next run writes Fabrik's marker on it. */
export function AdoptDialog({ slug, name, onClose, onDone }: { slug: string; name: string; onClose: () => void; onDone: () => void }) {
  const { t, err } = useI18n();
  const toast = useToast();
  return (
    <TypedConfirmDialog
      id="adopt"
      title={t('foreign.adoptTitle', { name })}
      label={t('foreign.adoptLabel')}
      expected={name}
      confirmLabel={t('foreign.adoptConfirm')}
      cancelLabel={t('form.cancel')}
      onCancel={onClose}
      onConfirm={async (typed) => {
        try {
          await call('adopt_resource', { slug, name, confirmation: typed });
        } catch (e) {
          toast('error', err(e as ApiError));
          throw e;
        }
        toast('success', t('foreign.adopted', { name }));
        onDone();
      }}
    >
      <p>{t('foreign.adoptBody', { name })}</p>
    </TypedConfirmDialog>
  );
}
