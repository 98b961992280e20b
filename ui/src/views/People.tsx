// Inställningar → Personer, on a shared register: the people with logins of their own, their group
// (viewer, operator, owner), adding one and removing one; PostgreSQL decides who may.
import { useEffect, useRef, useState } from 'react';
import { call, type ApiError } from '../api';
import type { NewPerson, Person, PersonRole } from '../bindings';
import { useI18n } from '../i18n';
import { useToast } from '../state/toast';

const ROLES: PersonRole[] = ['viewer', 'operator', 'owner'];

/** Inställningar → Personer: the shared register's logins. Shown on a shared register only; an
 * owner (or the register's own role) adds and removes people, and the database refuses anyone else. */
export function PeopleCard() {
  const { t, err } = useI18n();
  const toast = useToast();
  const [shared, setShared] = useState(false);
  const [people, setPeople] = useState<Person[] | null>(null);
  const [fresh, setFresh] = useState<NewPerson | null>(null);
  const [busy, setBusy] = useState(false);
  const name = useRef<HTMLInputElement>(null);
  const [role, setRole] = useState<PersonRole>('operator');
  useEffect(() => {
    call('shared_register', {})
      .then((info) => {
        setShared(!!info.shared);
        return info.shared ? call('people', {}).then(setPeople) : undefined;
      })
      .catch(() => toast('error', t('people.loadFailed')));
  }, [toast, t]);
  if (!shared) return null;
  const me = people?.find((p) => p.you);
  // The register's own role is in no group: it manages too (the database decides in the end).
  const manages = !me || me.role === 'owner';

  async function add(e: React.FormEvent) {
    e.preventDefault();
    const n = name.current?.value.trim() ?? '';
    if (!n) return;
    setBusy(true);
    try {
      const added = await call('add_person', { name: n, role });
      setFresh(added);
      if (name.current) name.current.value = '';
      setPeople(await call('people', {}));
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setBusy(false);
    }
  }

  async function remove(who: string) {
    // Removing ends the login at once: a seat that joined as them is refused from its next query.
    setBusy(true);
    try {
      setPeople(await call('remove_person', { name: who }));
      toast('success', t('people.removed', { name: who }));
    } catch (e) {
      toast('error', err(e as ApiError));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card settings-card" aria-labelledby="people-title" data-testid="people">
      <h2 id="people-title" className="card-title">
        {t('people.title')}
      </h2>
      <p className="muted section-intro">{t('people.intro')}</p>
      <ul className="people-list">
        {(people ?? []).map((p) => (
          <li key={p.name} data-testid="person" data-name={p.name}>
            <span className="person-name">{p.name}</span> <span className="muted">{t(`people.role.${p.role}`)}</span>{' '}
            {p.you && <span className="muted">{t('people.you')}</span>}
            {manages && !p.you && (
              <button type="button" className="btn btn-small" data-testid="person-remove" disabled={busy} onClick={() => void remove(p.name)}>
                {t('people.remove')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {fresh && <Invitation person={fresh} onDone={() => setFresh(null)} />}
      {manages && (
        <form className="people-form" onSubmit={(e) => void add(e)} noValidate>
          <label>
            {t('people.name')} <input ref={name} data-testid="person-name" autoComplete="off" spellCheck={false} />
          </label>{' '}
          <label>
            {t('people.role')}{' '}
            <select data-testid="person-role" value={role} onChange={(e) => setRole(e.target.value as PersonRole)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`people.role.${r}`)}
                </option>
              ))}
            </select>
          </label>{' '}
          <button type="submit" className="btn btn-primary" data-testid="person-add" disabled={busy}>
            {t('people.add')}
          </button>
        </form>
      )}
    </section>
  );
}

/** The one-time invitation of a person just added: shown once, copied with one click, for the
 * person to paste into their own Fabrik (Inställningar → Delat register → Gå med). It holds their
 * first password, which joining replaces: it works once. */
function Invitation({ person, onDone }: { person: NewPerson; onDone: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const text = person.invitation ?? person.password;
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      toast('success', t('people.copied'));
    } catch {
      toast('error', t('people.copyFailed'));
    }
  }
  return (
    <div className="hint invitation" role="status" data-testid="person-invitation">
      <p>{t(person.invitation ? 'people.invitation' : 'people.password', { name: person.name })}</p>
      <textarea readOnly rows={3} value={text} data-testid="person-invitation-text" onFocus={(e) => e.currentTarget.select()} />
      <div className="card-actions">
        <button type="button" className="btn btn-primary btn-small" data-testid="person-invitation-copy" onClick={() => void copy()}>
          {t('people.copy')}
        </button>
        <button type="button" className="btn btn-small" onClick={onDone}>
          {t('people.done')}
        </button>
      </div>
    </div>
  );
}
