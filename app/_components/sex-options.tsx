/** The options of a patient's sex, as the schema has them, in words. */
export function SexOptions() {
  return (
    <>
      <option value="female">Female</option>
      <option value="male">Male</option>
      <option value="other">Other</option>
      <option value="unknown">Unknown</option>
    </>
  );
}
