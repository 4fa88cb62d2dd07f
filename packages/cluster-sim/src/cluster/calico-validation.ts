import { validateResource } from "@palisade/policy";
import type { AdmissionHook } from "../api/resource-handlers.ts";
import { invalid } from "../api/status.ts";

/**
 * projectcalico.org/v3 objects are validated by @palisade/policy, as Calico's API server validates
 * them; every error comes back at once as a 422 Invalid with one cause per field.
 */
export const calicoValidation: AdmissionHook = (t, obj, _old, op) => {
  if (t.group !== "projectcalico.org" || op === "delete") return;
  const errors = validateResource(obj);
  if (errors.length) throw invalid(t.kind, t.group, obj.metadata.name, errors.map((e) => ({ field: e.path, message: e.message })));
};
