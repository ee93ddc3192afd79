-- The practice's bulk export (Admin → Patients → Export) lists its signed notes as FHIR
-- DocumentReferences. Admins read no clinical note (minimum necessary: the clinical_notes policies
-- show a note to its patient's care team only), and that stays so: this function answers an admin
-- of the caller's practice with the facts of each signed note (which patient, who signed it and
-- when, what it appends, its status) and never its body or its entered-in-error reason. The audit
-- log already shows an admin these facts (note.sign rows). Keyset pages by id, at most 1000 rows.
-- SECURITY DEFINER to read past the notes' policies; the caller's page position is its only input.
CREATE OR REPLACE FUNCTION public.app_export_signed_notes(p_after uuid, p_limit integer)
  RETURNS TABLE (
    id uuid, patient_id uuid, author_id uuid, status text, signed_at timestamp with time zone,
    addendum_to uuid, version integer, created_at timestamp with time zone, updated_at timestamp with time zone
  )
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
    SELECT n.id, n.patient_id, n.author_id, n.status, n.signed_at, n.addendum_to, n.version, n.created_at, n.updated_at
    FROM public.clinical_notes n
    WHERE public.app_is_admin() AND n.org_id = public.app_org_id()
      AND n.status <> 'draft' AND n.signed_at IS NOT NULL
      AND (p_after IS NULL OR n.id > p_after)
    ORDER BY n.id
    LIMIT LEAST(GREATEST(coalesce(p_limit, 0), 0), 1000)
  $$;--> statement-breakpoint
ALTER FUNCTION public.app_export_signed_notes(uuid, integer) OWNER TO careroster_owner;--> statement-breakpoint
REVOKE ALL ON FUNCTION public.app_export_signed_notes(uuid, integer) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION public.app_export_signed_notes(uuid, integer) TO careroster_runtime;
