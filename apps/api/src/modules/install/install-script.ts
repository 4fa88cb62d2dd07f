import { CONNECTOR_NAME, CONNECTOR_NAMESPACE } from "./manifest.ts";

/** A value as one single-quoted shell word. */
export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The answer to an install link that cannot be used: a script that says why and exits 1, so
 * `curl -s ... | bash` fails loudly instead of running nothing.
 */
export function refusalScript(reason: string): string {
  return `#!/usr/bin/env bash
set -euo pipefail
echo ${shellQuote(`[ERROR] ${reason}`)} >&2
exit 1
`;
}

export interface InstallScriptOptions {
  apiUrl: string;
  portalUrl: string;
  token: string;
  clusterName: string;
  manifest: string;
}

/**
 * The installer, in the order issue 6 gives: kubectl and access, permissions, CNI and Calico version,
 * cluster identity, the manifest, the rollout, the connection, the connected name. `--uninstall` removes
 * what it installed and revokes the cluster's credential. KUBECTL, PALISADE_ROLLOUT_TIMEOUT and
 * PALISADE_CONNECT_TIMEOUT (seconds) may be set by the caller.
 */
export function installScript(o: InstallScriptOptions): string {
  const ns = CONNECTOR_NAMESPACE;
  const name = CONNECTOR_NAME;
  return `#!/usr/bin/env bash
# Palisade: connects this kubectl context's cluster as "${o.clusterName.replace(/[^a-z0-9-]/g, "")}".
# Generated for one registration token; run it as: curl -s <this URL> | bash   (add: -s -- --uninstall to remove)
set -euo pipefail

PALISADE_URL=${shellQuote(o.apiUrl)}
PORTAL_URL=${shellQuote(o.portalUrl)}
TOKEN=${shellQuote(o.token)}
NAMESPACE=${shellQuote(ns)}
NAME=${shellQuote(name)}
KUBECTL="\${KUBECTL:-kubectl}"
ROLLOUT_TIMEOUT="\${PALISADE_ROLLOUT_TIMEOUT:-300s}"
CONNECT_TIMEOUT="\${PALISADE_CONNECT_TIMEOUT:-300}"

info() { echo "[INFO] $*"; }
waiting() { echo "[WAIT] $*"; }
warn() { echo "[WARN] $*"; }
fail() { echo "[ERROR] $*" >&2; exit 1; }

MODE=install
for arg in "$@"; do
  case "$arg" in
    --uninstall) MODE=uninstall ;;
    *) fail "unknown option $arg (the only option is --uninstall)" ;;
  esac
done

manifest() {
  cat <<'PALISADE_MANIFEST'
${o.manifest.trimEnd()}
PALISADE_MANIFEST
}

# Palisade's view of this cluster: "<STATE> <detail>" (CONNECTED, PENDING, DISCONNECTED, REGISTERED, WRONG_CLUSTER, INVALID)
palisade_status() {
  curl -fsS -G "$PALISADE_URL/install/$TOKEN/status" --data-urlencode "clusterUid=$CLUSTER_UID" --data-urlencode "server=$SERVER" \\
    || echo "UNREACHABLE Palisade did not answer at $PALISADE_URL"
}

info "Checking for kubectl"
command -v "$KUBECTL" >/dev/null 2>&1 || fail "kubectl was not found on PATH: install it and point it at the cluster to connect"
command -v curl >/dev/null 2>&1 || fail "curl was not found on PATH"

info "Checking access to the cluster"
if ! CLUSTER_UID="$("$KUBECTL" get namespace kube-system -o 'jsonpath={.metadata.uid}' 2>&1)"; then
  fail "kubectl cannot reach a cluster: $CLUSTER_UID"
fi
[ -n "$CLUSTER_UID" ] || fail "the kube-system namespace has no uid; is this a Kubernetes cluster?"
SERVER="$("$KUBECTL" config view --minify -o 'jsonpath={.clusters[0].cluster.server}' 2>/dev/null || true)"
info "Cluster identity (kube-system uid): $CLUSTER_UID"

if [ "$MODE" = uninstall ]; then
  info "Removing the Palisade connector"
  CREDENTIAL="$("$KUBECTL" get secret "$NAME" -n "$NAMESPACE" -o 'jsonpath={.data.PALISADE_CLUSTER_CREDENTIAL}' 2>/dev/null | base64 -d 2>/dev/null || true)"
  if [ -n "$CREDENTIAL" ]; then
    info "Revoking this cluster's credential in Palisade"
    curl -fsS -X POST "$PALISADE_URL/install/uninstall" -H "authorization: Bearer $CREDENTIAL" --data-urlencode "clusterUid=$CLUSTER_UID" >/dev/null \\
      || fail "Palisade did not revoke the credential; nothing was removed (run again when $PALISADE_URL answers)"
  else
    warn "no cluster credential found in secret $NAMESPACE/$NAME: nothing to revoke"
  fi
  manifest | "$KUBECTL" delete --ignore-not-found -f - >/dev/null
  info "Palisade connector removed"
  exit 0
fi

read -r STATE DETAIL <<<"$(palisade_status)" || true
case "$STATE" in
  CONNECTED) info "This cluster is already connected to Palisade as $DETAIL; nothing to change"; exit 0 ;;
  REGISTERED) info "This cluster is already registered with Palisade ($DETAIL); nothing to change"; exit 0 ;;
  WRONG_CLUSTER|INVALID|UNREACHABLE) fail "$DETAIL" ;;
esac

info "Checking permissions"
for check in "create namespaces" "create clusterroles.rbac.authorization.k8s.io" "create clusterrolebindings.rbac.authorization.k8s.io" \\
  "create serviceaccounts -n $NAMESPACE" "create secrets -n $NAMESPACE" "create roles.rbac.authorization.k8s.io -n $NAMESPACE" \\
  "create rolebindings.rbac.authorization.k8s.io -n $NAMESPACE" "create persistentvolumeclaims -n $NAMESPACE" "create deployments.apps -n $NAMESPACE"; do
  # shellcheck disable=SC2086
  if [ "$("$KUBECTL" auth can-i $check 2>/dev/null || true)" != "yes" ]; then
    fail "you may not $check in this cluster (kubectl auth can-i $check); ask for cluster-admin"
  fi
done

info "Checking for installed CNI Plugin"
CALICO_IMAGE=""
for where in "kube-system" "calico-system"; do
  CALICO_IMAGE="$("$KUBECTL" get daemonset calico-node -n "$where" -o 'jsonpath={.spec.template.spec.containers[0].image}' 2>/dev/null || true)"
  [ -n "$CALICO_IMAGE" ] && break
done
if [ -z "$CALICO_IMAGE" ] && "$KUBECTL" get deployment tigera-operator -n tigera-operator >/dev/null 2>&1; then
  CALICO_IMAGE="tigera-operator"
fi
if [ -z "$CALICO_IMAGE" ]; then
  warn "Calico was not found (no calico-node DaemonSet, no Tigera operator): policies will be stored but not enforced"
else
  CALICO_VERSION="\${CALICO_IMAGE##*:}"
  info "Calico found: $CALICO_IMAGE"
  case "$CALICO_VERSION" in
    v3.2[89]*|v3.[3-9][0-9]*|v[4-9]*) ;;
    tigera-operator) ;;
    *) warn "Calico $CALICO_VERSION does not support tiers (Calico 3.28 or later does): tiered policies will not be enforced" ;;
  esac
fi

info "Applying the Palisade connector manifest"
manifest | "$KUBECTL" apply -f - >/dev/null

waiting "Palisade connector is Progressing"
"$KUBECTL" rollout status "deployment/$NAME" -n "$NAMESPACE" --timeout="$ROLLOUT_TIMEOUT" >/dev/null \\
  || fail "the connector did not become available within $ROLLOUT_TIMEOUT: kubectl logs -n $NAMESPACE deployment/$NAME"
info "Palisade connector is Available"

waiting "Waiting for the connector to connect to Palisade"
deadline=$(( $(date +%s) + CONNECT_TIMEOUT ))
while :; do
  read -r STATE DETAIL <<<"$(palisade_status)" || true
  case "$STATE" in
    CONNECTED) break ;;
    WRONG_CLUSTER|INVALID) fail "$DETAIL" ;;
  esac
  [ "$(date +%s)" -lt "$deadline" ] || fail "the connector did not connect within $CONNECT_TIMEOUT seconds: kubectl logs -n $NAMESPACE deployment/$NAME"
  sleep 1
done
info "All Palisade Components are Available"

echo
echo "Your Connected Cluster Name is "
echo "$DETAIL"
echo
echo "Your install was completed successfully."
echo
echo "PORTAL URL: $PORTAL_URL"
`;
}
