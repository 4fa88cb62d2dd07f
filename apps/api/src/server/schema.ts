import { makeExecutableSchema } from "@graphql-tools/schema";
import type { GraphQLSchema } from "graphql";
import { clustersResolvers } from "../modules/clusters/resolvers.ts";
import { clustersTypeDefs } from "../modules/clusters/schema.ts";
import { connectResolvers } from "../modules/connect/resolvers.ts";
import { connectTypeDefs } from "../modules/connect/schema.ts";
import type { SignupLimiter } from "../modules/signup/rate-limit.ts";
import { signupResolvers } from "../modules/signup/resolvers.ts";
import { signupTypeDefs } from "../modules/signup/schema.ts";
import { tenancyResolvers } from "../modules/tenancy/resolvers.ts";
import { tenancyTypeDefs } from "../modules/tenancy/schema.ts";
import { auditResolvers } from "../modules/audit/resolvers.ts";
import { auditTypeDefs } from "../modules/audit/schema.ts";
import { policiesResolvers } from "../modules/policies/resolvers.ts";
import { policiesTypeDefs } from "../modules/policies/schema.ts";
import { usersResolvers } from "../modules/users/resolvers.ts";
import { usersTypeDefs } from "../modules/users/schema.ts";
import { flowsCommonTypeDefs } from "../modules/flows/schema-common.ts";
import { flowsGraphTypeDefs } from "../modules/flows/schema-graph.ts";
import { flowsGraphResolvers } from "../modules/flows/resolvers-graph.ts";
import { flowsBoardTypeDefs } from "../modules/flows/schema-board.ts";
import { flowsBoardResolvers } from "../modules/flows/resolvers-board.ts";
import { flowsLogsTypeDefs } from "../modules/flows/schema-logs.ts";
import { flowsLogsResolvers } from "../modules/flows/resolvers-logs.ts";
import { flowsExportTypeDefs } from "../modules/flows/schema-export.ts";
import { flowsExportResolvers } from "../modules/flows/resolvers-export.ts";

const root = /* GraphQL */ `
  type Query { "the API's version" version: String! }
  type Mutation { _empty: Boolean }
  type Subscription { _empty: Boolean }
`;

/** The whole API: each module brings its type definitions and resolvers. */
export function buildSchema(deps: { limiter: SignupLimiter; version: string }): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: [root, signupTypeDefs, tenancyTypeDefs, clustersTypeDefs, policiesTypeDefs, auditTypeDefs, usersTypeDefs, connectTypeDefs, flowsCommonTypeDefs, flowsLogsTypeDefs, flowsExportTypeDefs, flowsGraphTypeDefs, flowsBoardTypeDefs],
    resolvers: [{ Query: { version: () => deps.version } }, signupResolvers(deps.limiter), tenancyResolvers, clustersResolvers, policiesResolvers, auditResolvers, usersResolvers, connectResolvers, flowsLogsResolvers, flowsExportResolvers, flowsGraphResolvers, flowsBoardResolvers],
  });
}
