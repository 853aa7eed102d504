import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ROLES } from '../../../../shared/account.ts';
import { API } from '../../../../shared/api/index.ts';
import type { QuestionMode } from '../../../../shared/queue.ts';
import type { QueueCreated } from '../../../../shared/queue-views.ts';
import { ApiError, api, errorText } from '../api.ts';
import { EMPTY_QUEUE_FORM, formField, type QueueForm, queueBody, slugFor } from '../queue-settings.ts';

const MODES: QuestionMode[] = ['off', 'optional', 'required'];
const QUESTIONS = [
  ['thumb', 'Thumb (up or down)'],
  ['score', 'Score (0–100, keys 1–5)'],
  ['comment', 'Comment'],
  ['correction', 'Correction (a better response)'],
] as const;

/** A labelled field with its problem under it; `id` ties the label, the input and the message together. */
function Field({
  id,
  label,
  error,
  children,
}: {
  id: string;
  label: string;
  error?: string | undefined;
  children: ComponentChildren;
}) {
  return (
    <div class={`queue-field${error ? ' invalid' : ''}`} data-field={id}>
      <label for={`queue-${id}`}>{label}</label>
      {children}
      {error && (
        <p class="error" id={`queue-${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** The admin's form for a new queue: its questions and settings, and optionally a filter that fills it. */
export function QueueCreateForm({ onCreated }: { onCreated(created: QueueCreated): void }) {
  const [form, setForm] = useState<QueueForm>(EMPTY_QUEUE_FORM);
  const [idTouched, setIdTouched] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const set = (change: Partial<QueueForm>) => setForm((current) => ({ ...current, ...change }));
  const text = (key: keyof QueueForm) => ({
    id: `queue-${key}`,
    value: form[key] as string,
    disabled: busy,
    'aria-invalid': errors[key] ? true : undefined,
    'aria-describedby': errors[key] ? `queue-${key}-error` : undefined,
    onInput: (event: Event) => set({ [key]: (event.currentTarget as HTMLInputElement).value }),
  });

  const submit = async (event: Event) => {
    event.preventDefault();
    setMessage(null);
    const checked = queueBody(form);
    if (!checked.ok) {
      setErrors(checked.errors);
      setMessage('The queue was not created: see the fields marked below.');
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const created = await api(API.queues.create, { body: checked.body });
      setForm(EMPTY_QUEUE_FORM);
      setIdTouched(false);
      onCreated(created);
    } catch (error) {
      if (error instanceof ApiError && error.issues.length > 0) {
        setErrors(Object.fromEntries(error.issues.map((issue) => [formField(issue.path.split('.')), issue.message])));
      }
      setMessage(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  const pairwise = form.kind === 'pairwise';
  return (
    <form class="queue-create" aria-labelledby="queue-create-heading" noValidate onSubmit={submit}>
      <h2 id="queue-create-heading">New queue</h2>
      <div class="queue-grid">
        <Field id="name" label="Name" error={errors.name}>
          <input
            {...text('name')}
            maxLength={200}
            onInput={(event) => {
              const name = event.currentTarget.value;
              set(idTouched ? { name } : { name, id: slugFor(name) });
            }}
          />
        </Field>
        <Field id="id" label="Id" error={errors.id}>
          <input
            {...text('id')}
            maxLength={64}
            onInput={(event) => {
              setIdTouched(true);
              set({ id: event.currentTarget.value });
            }}
          />
        </Field>
        <Field id="kind" label="Kind" error={errors.kind}>
          <select
            id="queue-kind"
            value={form.kind}
            disabled={busy}
            onChange={(event) => set({ kind: event.currentTarget.value as QueueForm['kind'] })}
          >
            <option value="single">Single: judge one response</option>
            <option value="pairwise">Pairwise: A, B or tie</option>
          </select>
        </Field>
        <Field id="overlap" label="Annotators per item" error={errors.overlap}>
          <input {...text('overlap')} type="number" min={1} max={50} />
        </Field>
        <Field id="order" label="Order" error={errors.order}>
          <select
            id="queue-order"
            value={form.order}
            disabled={busy}
            onChange={(event) => set({ order: event.currentTarget.value as QueueForm['order'] })}
          >
            <option value="oldest">Oldest first</option>
            <option value="random">Random (seeded)</option>
          </select>
        </Field>
        {form.order === 'random' && (
          <Field id="seed" label="Seed" error={errors.seed}>
            <input {...text('seed')} type="number" min={0} />
          </Field>
        )}
        <Field id="leaseMinutes" label="Lease (minutes)" error={errors.leaseMinutes}>
          <input {...text('leaseMinutes')} type="number" min={1} step="any" />
        </Field>
      </div>
      <Field id="description" label="Instructions for annotators" error={errors.description}>
        <textarea {...text('description')} rows={2} />
      </Field>

      <fieldset class="queue-questions">
        <legend>Questions</legend>
        {pairwise ? (
          <p class="muted">A pairwise queue asks for a preference: A, B or tie (keys a, b, e), and a comment if set.</p>
        ) : null}
        {QUESTIONS.filter(([key]) => !pairwise || key === 'comment').map(([key, label]) => (
          <Field key={key} id={key} label={label} error={errors[key]}>
            <select
              id={`queue-${key}`}
              value={form[key]}
              disabled={busy}
              onChange={(event) => set({ [key]: event.currentTarget.value as QuestionMode })}
            >
              {MODES.map((mode) => (
                <option key={mode} value={mode}>
                  {mode}
                </option>
              ))}
            </select>
          </Field>
        ))}
        <Field id="rubric" label="Rubric questions (JSON, optional)" error={errors.rubric}>
          <textarea
            {...text('rubric')}
            rows={2}
            placeholder='[{"id":"tone","label":"Tone","kind":"choice","options":["ok","rude"],"required":true}]'
          />
        </Field>
      </fieldset>

      <fieldset class="queue-who">
        <legend>Who works it</legend>
        <Field id="names" label="Annotators by name (comma-separated)" error={errors.names}>
          <input {...text('names')} placeholder="ada, grace" />
        </Field>
        <div class="queue-field" data-field="roles">
          <span>And everyone with the role</span>
          {ROLES.filter((role) => role !== 'viewer').map((role) => (
            <label key={role} class="inline">
              <input
                type="checkbox"
                checked={form.roles.includes(role)}
                disabled={busy}
                onChange={(event) =>
                  set({
                    roles: event.currentTarget.checked
                      ? [...form.roles, role]
                      : form.roles.filter((item) => item !== role),
                  })
                }
              />{' '}
              {role}
            </label>
          ))}
        </div>
        <label class="inline">
          <input
            type="checkbox"
            checked={form.blind}
            disabled={busy}
            onChange={(event) => set({ blind: event.currentTarget.checked })}
          />{' '}
          Blind: an annotator never sees the others’ labels
        </label>
      </fieldset>

      <fieldset class="queue-fill">
        <legend>Items</legend>
        <label class="inline">
          <input
            type="checkbox"
            checked={form.fill}
            disabled={busy}
            onChange={(event) => set({ fill: event.currentTarget.checked })}
          />{' '}
          Fill from the annotations the store holds (one item per response)
        </label>
        {form.fill && (
          <div class="queue-grid">
            <Field id="site" label="Site" error={errors.site}>
              <input {...text('site')} placeholder="any" />
            </Field>
            <Field id="model" label="Model" error={errors.model}>
              <input {...text('model')} placeholder="any" />
            </Field>
            <Field id="tag" label="Tag" error={errors.tag}>
              <input {...text('tag')} placeholder="any" />
            </Field>
            <Field id="since" label="Since" error={errors.since}>
              <input {...text('since')} type="date" />
            </Field>
            <Field id="until" label="Before" error={errors.until}>
              <input {...text('until')} type="date" />
            </Field>
            <Field id="limit" label="At most" error={errors.limit}>
              <input {...text('limit')} type="number" min={1} placeholder="all" />
            </Field>
          </div>
        )}
        <p class="muted">
          Items can also be sent by API (<code>POST /api/v1/queues/&lt;id&gt;/items</code>, see{' '}
          <a href="#/docs/queues">the queues guide</a>).
        </p>
      </fieldset>

      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create queue'}
      </button>
      {message && (
        <p role="alert" class="error">
          {message}
        </p>
      )}
    </form>
  );
}
