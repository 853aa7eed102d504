/**
 * The two lines every working page shows above its content: what went wrong (an alert, read out at
 * once by screen readers) and what just happened (a polite status). Either is left out when empty.
 */
export function Notices({ error, notice, testId }: { error: string | null; notice: string | null; testId?: string }) {
  return (
    <>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {notice && (
        <p role="status" class="ok" data-testid={testId}>
          {notice}
        </p>
      )}
    </>
  );
}
