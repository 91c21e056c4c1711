// The one way the client shows a refused call: Fleep's error message as text, announced to
// screen readers (role="alert"); nothing when there is none.

export function Alert({ error }: { error: string | null | undefined }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}
