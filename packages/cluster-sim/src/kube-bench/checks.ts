/** A CIS Kubernetes Benchmark check as kube-bench reports it. */
export interface Check {
  id: string;
  desc: string;
  scored: boolean;
  audit: string;
  remediation: string;
  expected: string;
}

export interface Section {
  id: string;
  desc: string;
  checks: Check[];
}

export interface ControlGroup {
  id: string;
  text: string;
  nodeType: "master" | "node" | "policies";
  sections: Section[];
}

const c = (id: string, desc: string, scored: boolean, audit: string, expected: string, remediation: string): Check => ({ id, desc, scored, audit, expected, remediation });

/** A subset of CIS Kubernetes Benchmark v1.8 checks, enough for compliance reports to group and count. */
export const CONTROLS: ControlGroup[] = [
  {
    id: "1",
    text: "Control Plane Security Configuration",
    nodeType: "master",
    sections: [
      {
        id: "1.1",
        desc: "Control Plane Node Configuration Files",
        checks: [
          c("1.1.1", "Ensure that the API server pod specification file permissions are set to 600 or more restrictive (Automated)", true, "stat -c permissions=%a /etc/kubernetes/manifests/kube-apiserver.yaml", "permissions has permissions 600, expected 600 or more restrictive", "chmod 600 /etc/kubernetes/manifests/kube-apiserver.yaml"),
          c("1.1.2", "Ensure that the API server pod specification file ownership is set to root:root (Automated)", true, "stat -c %U:%G /etc/kubernetes/manifests/kube-apiserver.yaml", "'root:root' is present", "chown root:root /etc/kubernetes/manifests/kube-apiserver.yaml"),
          c("1.1.9", "Ensure that the Container Network Interface file permissions are set to 600 or more restrictive (Manual)", false, "stat -c permissions=%a /etc/cni/net.d/10-calico.conflist", "permissions has permissions 644, expected 600 or more restrictive", "chmod 600 /etc/cni/net.d/10-calico.conflist"),
        ],
      },
      {
        id: "1.2",
        desc: "API Server",
        checks: [
          c("1.2.1", "Ensure that the --anonymous-auth argument is set to false (Manual)", false, "/bin/ps -ef | grep kube-apiserver | grep -v grep", "--anonymous-auth is set to false", "Edit the API server pod specification file and set --anonymous-auth=false"),
          c("1.2.6", "Ensure that the --authorization-mode argument is not set to AlwaysAllow (Automated)", true, "/bin/ps -ef | grep kube-apiserver | grep -v grep", "'--authorization-mode' does not have 'AlwaysAllow'", "Set --authorization-mode to Node,RBAC"),
          c("1.2.16", "Ensure that the --profiling argument is set to false (Automated)", true, "/bin/ps -ef | grep kube-apiserver | grep -v grep", "'--profiling' is equal to 'false'", "Set --profiling=false in the API server pod specification"),
        ],
      },
    ],
  },
  {
    id: "4",
    text: "Worker Node Security Configuration",
    nodeType: "node",
    sections: [
      {
        id: "4.1",
        desc: "Worker Node Configuration Files",
        checks: [
          c("4.1.1", "Ensure that the kubelet service file permissions are set to 600 or more restrictive (Automated)", true, "stat -c permissions=%a /etc/systemd/system/kubelet.service.d/10-kubeadm.conf", "permissions has permissions 600, expected 600 or more restrictive", "chmod 600 /etc/systemd/system/kubelet.service.d/10-kubeadm.conf"),
          c("4.1.5", "Ensure that the --kubeconfig kubelet.conf file permissions are set to 600 or more restrictive (Automated)", true, "stat -c permissions=%a /etc/kubernetes/kubelet.conf", "permissions has permissions 600, expected 600 or more restrictive", "chmod 600 /etc/kubernetes/kubelet.conf"),
          c("4.1.9", "If the kubelet config.yaml configuration file is being used validate permissions set to 600 or more restrictive (Automated)", true, "stat -c permissions=%a /var/lib/kubelet/config.yaml", "permissions has permissions 600, expected 600 or more restrictive", "chmod 600 /var/lib/kubelet/config.yaml"),
        ],
      },
      {
        id: "4.2",
        desc: "Kubelet",
        checks: [
          c("4.2.1", "Ensure that the --anonymous-auth argument is set to false (Automated)", true, "/bin/ps -fC kubelet", "'{.authentication.anonymous.enabled}' is equal to 'false'", "Set authentication: anonymous: enabled: false in the kubelet config"),
          c("4.2.6", "Ensure that the --make-iptables-util-chains argument is set to true (Automated)", true, "/bin/ps -fC kubelet", "'{.makeIPTablesUtilChains}' is equal to 'true'", "Set makeIPTablesUtilChains: true in the kubelet config"),
          c("4.2.10", "Ensure that the --rotate-certificates argument is not set to false (Automated)", true, "/bin/ps -fC kubelet", "'{.rotateCertificates}' is present", "Set rotateCertificates: true in the kubelet config"),
          c("4.2.13", "Ensure that a limit is set on pod PIDs (Manual)", false, "/bin/ps -fC kubelet", "'{.podPidsLimit}' is present", "Set podPidsLimit in the kubelet config"),
        ],
      },
    ],
  },
  {
    id: "5",
    text: "Kubernetes Policies",
    nodeType: "policies",
    sections: [
      {
        id: "5.3",
        desc: "Network Policies and CNI",
        checks: [
          c("5.3.1", "Ensure that the CNI in use supports NetworkPolicies (Manual)", false, "", "", "If the CNI plugin in use does not support network policies, consider using a different plugin"),
          c("5.3.2", "Ensure that all Namespaces have NetworkPolicies defined (Manual)", false, "", "", "Follow the documentation and create NetworkPolicy objects as you need them"),
        ],
      },
    ],
  },
];
