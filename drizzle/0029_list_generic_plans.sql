-- A SQL function's statement is planned through the plan cache, and with parameters the cache
-- replans it for each call (a custom plan) unless told otherwise. app_list_page_ids's statement
-- (three index ranges merged in list order) cost 0.6 ms to plan and 0.1 ms to run, on every page of
-- every list; its one generic plan is the same ranges. Measured in bench/README.md.
ALTER FUNCTION public.app_list_page_ids(text, text, uuid, integer) SET plan_cache_mode = force_generic_plan;
