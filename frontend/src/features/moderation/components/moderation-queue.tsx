import { Link } from 'react-router';
import { ErrorState, LoadingState } from '@/components/ui/states';
import { displayNameOf, formatTime } from '@/lib/format';
import { useAudit, useCases } from '../api/cases';
import { ACTION_LABELS, CATEGORY_LABELS } from './labels';

/** The queue of open cases, oldest first. */
export function ModerationQueue() {
  const cases = useCases('open');
  if (cases.isPending) return <LoadingState label="Loading the queue…" />;
  if (cases.isError) return <ErrorState title="Could not load the queue" onRetry={() => void cases.refetch()} />;
  const open = cases.data.cases;
  return (
    <section className="card" aria-labelledby="queue-heading">
      <h2 id="queue-heading">Open cases ({open.length})</h2>
      {open.length === 0 ? (
        <p className="muted">Nothing to review.</p>
      ) : (
        <ul className="plain-list">
          {open.map((item) => (
            <li key={item.user_id} className="list-row">
              <Link to={`/moderation/cases/${item.user_id}`}>{displayNameOf(item.profile)}</Link>
              <span className="muted">
                {item.report_count} report{item.report_count === 1 ? '' : 's'}
                {item.appeal_count > 0 && `, ${item.appeal_count} appeal`} ·{' '}
                {item.categories.map((name) => CATEGORY_LABELS[name]).join(', ')} · since {formatTime(item.opened_at)}
              </span>
              {item.hidden && <span className="badge">Hidden</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The newest moderation actions. */
export function AuditLog() {
  const audit = useAudit();
  if (audit.isPending) return <LoadingState label="Loading the audit log…" />;
  if (audit.isError) return <ErrorState title="Could not load the audit log" onRetry={() => void audit.refetch()} />;
  return (
    <section className="card" aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log</h2>
      {audit.data.actions.length === 0 ? (
        <p className="muted">No actions yet.</p>
      ) : (
        <table className="audit-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Moderator</th>
              <th scope="col">Action</th>
              <th scope="col">Person</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {audit.data.actions.map((row) => (
              <tr key={row.id}>
                <td>{formatTime(row.created_at)}</td>
                <td>{row.moderator_username ?? '—'}</td>
                <td>{ACTION_LABELS[row.action]}</td>
                <td>
                  {row.user_id === null ? '—' : <Link to={`/moderation/cases/${row.user_id}`}>#{row.user_id}</Link>}
                </td>
                <td>{row.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
