// The demo's parts, for tests that drive the same orchestration.
export { Demo, type DemoOptions, type DemoRun } from "./demo.ts";
export { startStorefront, runInstallCommand, type StorefrontOptions } from "./cluster.ts";
export { applyStageEPolicies, deployRogue, waitForSync, STAGE_E_POLICY_FILES, ROGUE_FILE } from "./lab.ts";
export { EXAMPLE_QUERIES, curlLine, exampleText, waitForFlows, type FlowsReady } from "./queries.ts";
export { ensureDemoPromoCode, operatorToken, DEMO_PROMO_CODE } from "./operator.ts";
export { demoTenant, type DemoTenant } from "./tenant.ts";
export { findCredentialsMail } from "./credentials-mail.ts";
export { graphql, must } from "./graphql.ts";
export { until } from "./wait.ts";
