import { Field } from "@/app/_components/field";
import { Options } from "@/app/_components/options";
import { EMERGENCY_RELATIONSHIPS } from "@/lib/schemas/patients";
import type { FieldErrors } from "@/lib/forms";

type FrontDesk = Partial<
  Record<
    | "preferredName"
    | "pronouns"
    | "addressLine"
    | "addressCity"
    | "addressRegion"
    | "addressPostalCode"
    | "addressCountry"
    | "emergencyName"
    | "emergencyRelationship"
    | "emergencyPhone"
    | "insurancePayer"
    | "insuranceMemberId",
    string | null
  >
>;

/** The front desk's optional details, shared by registration and the chart's demographics card. */
export function FrontDeskFields({ errors, values = {} }: { errors: FieldErrors; values?: FrontDesk }) {
  const text = (name: keyof FrontDesk, label: string, extra: { autoComplete?: string; hint?: string } = {}) => (
    <Field label={label} name={name} defaultValue={values[name] ?? ""} error={errors[name]} {...extra} />
  );
  return (
    <>
      <fieldset className="field-group">
        <legend>Address</legend>
        {text("addressLine", "Street address", { autoComplete: "off" })}
        <div className="field-row">
          {text("addressCity", "City or town")}
          {text("addressRegion", "State or region")}
        </div>
        <div className="field-row">
          {text("addressPostalCode", "Postal code")}
          {text("addressCountry", "Country", { hint: "Two letters, e.g. US, GB" })}
        </div>
      </fieldset>
      <fieldset className="field-group">
        <legend>Emergency contact</legend>
        {text("emergencyName", "Contact name")}
        <div className="field-row">
          <Field
            as="select"
            label="Relationship"
            name="emergencyRelationship"
            defaultValue={values.emergencyRelationship ?? ""}
            error={errors.emergencyRelationship}
          >
            <Options
              items={Object.entries(EMERGENCY_RELATIONSHIPS)}
              value={([value]) => value}
              label={([, { label }]) => label}
              placeholder="—"
            />
          </Field>
          <Field
            label="Contact number"
            name="emergencyPhone"
            type="tel"
            defaultValue={values.emergencyPhone ?? ""}
            error={errors.emergencyPhone}
          />
        </div>
      </fieldset>
      <fieldset className="field-group">
        <legend>Insurance</legend>
        <div className="field-row">
          {text("insurancePayer", "Payer")}
          {text("insuranceMemberId", "Member ID")}
        </div>
      </fieldset>
    </>
  );
}
