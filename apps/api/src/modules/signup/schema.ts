export const signupTypeDefs = /* GraphQL */ `
  enum KubernetesDistribution { EKS AKS GKE OPENSHIFT RKE2 K3S KUBEADM OTHER }
  enum TrialRequestStatus { PENDING_REVIEW APPROVED PROVISIONING READY REJECTED FAILED }

  input TrialRequestInput {
    firstName: String!
    lastName: String!
    "a business address; free-mail and disposable domains are refused"
    email: String!
    company: String!
    jobTitle: String
    country: String
    kubernetesDistribution: KubernetesDistribution!
    "an active promo code approves the request at once (for example PAR-AWS-EKS-WORKSHOP for EKS)"
    promoCode: String
    acceptTerms: Boolean!
  }

  type TrialRequest {
    id: ID!
    status: TrialRequestStatus!
    "why a request was rejected or why provisioning failed"
    reason: String
    firstName: String!
    lastName: String!
    email: String!
    company: String!
    jobTitle: String
    country: String
    kubernetesDistribution: KubernetesDistribution!
    promoCode: String
    createdAt: String!
    updatedAt: String!
  }

  type PromoCode {
    code: String!
    description: String!
    autoApprove: Boolean!
    maxUses: Int
    uses: Int!
    expiresAt: String
    distributions: [KubernetesDistribution!]!
    active: Boolean!
  }

  input CreatePromoCodeInput {
    code: String!
    description: String
    autoApprove: Boolean
    maxUses: Int
    expiresAt: String
    distributions: [KubernetesDistribution!]
    active: Boolean
  }

  input UpdatePromoCodeInput {
    description: String
    autoApprove: Boolean
    maxUses: Int
    expiresAt: String
    distributions: [KubernetesDistribution!]
    active: Boolean
  }

  extend type Query {
    "operators only"
    trialRequests(status: TrialRequestStatus): [TrialRequest!]!
    "operators only"
    promoCodes: [PromoCode!]!
  }

  extend type Mutation {
    "public: sign up for a trial"
    requestTrial(input: TrialRequestInput!): TrialRequest!
    "operators only"
    approveTrialRequest(id: ID!): TrialRequest!
    "operators only"
    rejectTrialRequest(id: ID!, reason: String!): TrialRequest!
    "operators only: provision a FAILED request again"
    retryTrialRequest(id: ID!): TrialRequest!
    "operators only"
    createPromoCode(input: CreatePromoCodeInput!): PromoCode!
    "operators only"
    updatePromoCode(code: String!, input: UpdatePromoCodeInput!): PromoCode!
  }

  extend type Subscription {
    "public for whoever holds the request's id: its status as it changes, starting with the current one"
    trialRequest(id: ID!): TrialRequest!
  }
`;
