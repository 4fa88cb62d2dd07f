/**
 * The input field a GraphQL variable-coercion error is about, read from graphql-js's message, so that these
 * errors name their field in `extensions.field` like every other BAD_USER_INPUT:
 * - `Variable "$input" got invalid value "X" at "input.kubernetesDistribution"; ...` -> input.kubernetesDistribution
 * - `Variable "$input" got invalid value {...}; Field "firstName" of required type "String!" was not provided.` -> input.firstName
 * - `Variable "$input" of required type "TrialRequestInput!" was not provided.` -> input
 */
export function fieldOfVariableError(message: string): string | undefined {
  const variable = /^Variable "\$(\w+)"/.exec(message)?.[1];
  if (!variable) return undefined;
  const at = /^Variable "\$\w+" got invalid value .*? at "([\w.[\]]+)"; /.exec(message)?.[1];
  const missing = /; Field "(\w+)" of required type "[^"]+" was not provided\.$/.exec(message)?.[1];
  const base = at ?? variable;
  return missing ? `${base}.${missing}` : base;
}
