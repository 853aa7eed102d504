import { useEffect, useState } from 'preact/hooks';
import type { UserRole } from '../../../../shared/account.ts';
import { API } from '../../../../shared/api/index.ts';
import type { QueueProgress, QueueSummary } from '../../../../shared/queue-views.ts';
import { api, errorText } from '../api.ts';
import { QueueAdjudication } from '../components/queue-adjudication.tsx';
import { QueueAgreement } from '../components/queue-agreement.tsx';
import { QueueCreateForm } from '../components/queue-create-form.tsx';
import { QueueProgressView } from '../components/queue-progress.tsx';
import { QueueWork } from '../components/queue-work.tsx';
import { formatCount } from '../format.ts';
import type { PageProps } from '../page.ts';
import { routeHref } from '../router.ts';
import { useSession } from '../session.ts';
import './admin.css';
import './queues.css';
import { Notices } from '../components/notices.tsx';

/** The views of one queue (`#/queues/<id>/<view>`), and the roles each is for (as the routes allow). */
const VIEWS = {
  overview: { title: 'Overview', roles: ['admin', 'annotator', 'viewer'] },
  work: { title: 'Work', roles: ['admin', 'annotator'] },
  agreement: { title: 'Agreement', roles: ['admin', 'viewer'] },
  adjudicate: { title: 'Disagreements', roles: ['admin'] },
} as const satisfies Record<string, { title: string; roles: readonly UserRole[] }>;
type View = keyof typeof VIEWS;

const isView = (name: string | undefined): name is View => name !== undefined && name in VIEWS;

/**
 * Annotation campaigns (docs/queues.md): the queues this user may see, a form for admins to create
 * one, and per queue its progress, the work view, agreement and the disagreements to settle.
 */
export function QueuesPage({ route }: PageProps) {
  const session = useSession();
  const [id, viewName] = route.rest;
  if (session.state === 'loading') return <p class="loading">Loading…</p>;
  if (session.state === 'error') return <p class="error">{session.error}</p>;
  const { name, role } = session.me.user;
  if (id === undefined) return <QueueList role={role} />;
  const view: View = isView(viewName) ? viewName : 'overview';
  return <QueueDetail id={id} view={view} me={name} role={role} />;
}

function QueueList({ role }: { role: UserRole }) {
  const [queues, setQueues] = useState<QueueSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const load = () =>
    api(API.queues.list, {}).then(
      (answer) => setQueues(answer.queues),
      (reason: unknown) => setError(errorText(reason)),
    );
  useEffect(() => {
    void load();
  }, []);

  return (
    <div class="admin queues">
      <section aria-labelledby="queues-heading">
        <h2 id="queues-heading">Queues</h2>
        <Notices error={error} notice={notice} />
        {queues === null && !error && <p class="loading">Loading…</p>}
        {queues?.length === 0 && (
          <p class="empty">
            {role === 'admin'
              ? 'No queues yet: create one below.'
              : 'No queue names you yet. An admin adds you to a queue by name or by role.'}
          </p>
        )}
        {queues && queues.length > 0 && (
          <table class="admin-table" aria-labelledby="queues-heading">
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col">Kind</th>
                <th scope="col">Per item</th>
                <th scope="col">Labels</th>
                <th scope="col">Items complete</th>
                <th scope="col">Answers</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {queues.map(({ queue, counts }) => {
                const target = counts.items * queue.overlap;
                return (
                  <tr key={queue.id} data-queue={queue.id}>
                    <td>
                      <a href={routeHref('queues', [queue.id])}>{queue.name}</a> <span class="muted">{queue.id}</span>
                    </td>
                    <td>{queue.kind}</td>
                    <td>{queue.overlap}</td>
                    <td>{queue.blind ? 'blind' : 'open'}</td>
                    <td data-complete={counts.completeItems}>
                      {formatCount(counts.completeItems)} of {formatCount(counts.items)}
                    </td>
                    <td>
                      <progress max={Math.max(1, target)} value={counts.done} aria-label="Answers given" />{' '}
                      {formatCount(counts.done)} of {formatCount(target)}
                    </td>
                    <td class="row-actions">
                      {(VIEWS.work.roles as readonly string[]).includes(role) && (
                        <a class="button" href={routeHref('queues', [queue.id, 'work'])}>
                          Work
                        </a>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      {role === 'admin' && (
        <section>
          <QueueCreateForm
            onCreated={(created) => {
              setNotice(
                `Created “${created.queue.name}” with ${formatCount(created.added)} item${created.added === 1 ? '' : 's'}` +
                  ` (${formatCount(created.matched)} matching responses read).`,
              );
              void load();
            }}
          />
        </section>
      )}
    </div>
  );
}

function QueueDetail({ id, view, me, role }: { id: string; view: View; me: string; role: UserRole }) {
  const [summary, setSummary] = useState<QueueSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setSummary(null);
    api(API.queues.get, { params: { id } }).then(setSummary, (reason: unknown) => setError(errorText(reason)));
  }, [id]);

  if (error) {
    return (
      <p role="alert" class="error">
        {error} <a href={routeHref('queues')}>Back to the queues</a>
      </p>
    );
  }
  if (!summary) return <p class="loading">Loading the queue…</p>;
  const { queue } = summary;
  const allowed = (name: View) => (VIEWS[name].roles as readonly string[]).includes(role);
  return (
    <div class="admin queue-detail" data-queue={queue.id}>
      <nav class="queue-tabs" aria-label="Queue views">
        <a href={routeHref('queues')}>All queues</a>
        {(Object.keys(VIEWS) as View[]).filter(allowed).map((name) => (
          <a
            key={name}
            href={routeHref('queues', name === 'overview' ? [queue.id] : [queue.id, name])}
            aria-current={name === view ? 'page' : undefined}
          >
            {VIEWS[name].title}
          </a>
        ))}
      </nav>
      {!allowed(view) ? (
        <p class="roles-only" data-roles-only={VIEWS[view].roles.join(' ')}>
          {VIEWS[view].title} is for {VIEWS[view].roles.join(' and ')} only; you are signed in as {me}, {role}.
        </p>
      ) : view === 'work' ? (
        <QueueWork key={queue.id} queue={queue} me={me} />
      ) : view === 'agreement' ? (
        <QueueAgreement queueId={queue.id} />
      ) : view === 'adjudicate' ? (
        <QueueAdjudication queue={queue} />
      ) : (
        <Overview summary={summary} />
      )}
    </div>
  );
}

function Overview({ summary }: { summary: QueueSummary }) {
  const { queue } = summary;
  const [progress, setProgress] = useState<QueueProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api(API.queues.progress, { params: { id: queue.id } }).then(setProgress, (reason: unknown) =>
      setError(errorText(reason)),
    );
  }, [queue.id]);
  const asked = Object.entries(queue.questions)
    .filter(([key, mode]) => key !== 'rubric' && mode !== 'off')
    .map(([key, mode]) => `${key} (${mode})`);
  const rubric = queue.questions.rubric.map((question) => question.label);
  return (
    <>
      <h2>{queue.name}</h2>
      {queue.description && <p class="queue-instructions">{queue.description}</p>}
      <dl class="meta queue-settings">
        <dt>Kind</dt>
        <dd>{queue.kind === 'pairwise' ? 'pairwise (A, B or tie)' : 'single response'}</dd>
        <dt>Questions</dt>
        <dd>{[...(queue.kind === 'pairwise' ? ['preference'] : []), ...asked, ...rubric].join(', ')}</dd>
        <dt>Annotators per item</dt>
        <dd data-overlap>{queue.overlap}</dd>
        <dt>Who works it</dt>
        <dd>
          {[...queue.assignees.names, ...queue.assignees.roles.map((role) => `every ${role}`)].join(', ') || 'nobody'}
        </dd>
        <dt>Labels</dt>
        <dd>{queue.blind ? 'blind: annotators see only their own' : 'open: annotators see each other’s'}</dd>
        <dt>Order</dt>
        <dd>{queue.order === 'random' ? `random (seed ${queue.seed})` : 'oldest first'}</dd>
        <dt>Lease</dt>
        <dd>{queue.leaseSeconds < 120 ? `${queue.leaseSeconds} s` : `${Math.round(queue.leaseSeconds / 60)} min`}</dd>
      </dl>
      {error && <p class="error">{error}</p>}
      {progress ? <QueueProgressView progress={progress} /> : !error && <p class="loading">Loading progress…</p>}
    </>
  );
}
