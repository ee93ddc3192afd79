/** A form's outcome: a success announced politely, a failure as an alert. */
export function FormMessage({ message }: { message: { ok: boolean; text: string } | null }) {
  if (!message) return null;
  return (
    <p className={message.ok ? "notice" : "alert"} role={message.ok ? "status" : "alert"}>
      {message.text}
    </p>
  );
}
