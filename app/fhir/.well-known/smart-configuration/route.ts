// Where SMART clients look first: `<FHIR base>/.well-known/smart-configuration`.
export { GET, OPTIONS } from "@/app/.well-known/smart-configuration/route";

export const dynamic = "force-dynamic";
