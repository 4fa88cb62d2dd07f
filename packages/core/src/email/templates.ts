/** The mail Palisade sends, as plain text. Each returns the subject and the body. */

export interface Message {
  subject: string;
  text: string;
}

export function trialCredentials(a: {
  firstName: string;
  company: string;
  portalUrl: string;
  graphqlUrl: string;
  accessToken: string;
  clusterName: string;
  installCommand: string;
  registrationExpiresAt: Date;
  trialEndsAt: Date;
}): Message {
  return {
    subject: "Your Palisade trial credentials",
    text: `Hello ${a.firstName},

your Palisade trial for ${a.company} is ready.

Portal:        ${a.portalUrl}
GraphQL API:   ${a.graphqlUrl}
Access token:  ${a.accessToken}

Send the token as "Authorization: Bearer <token>". It is shown in this email only; keep it safe.

Connect your first cluster (${a.clusterName}) by running this on a machine where kubectl reaches it:

  ${a.installCommand}

The install command works once and until ${a.registrationExpiresAt.toISOString()}.
Your trial ends on ${a.trialEndsAt.toISOString().slice(0, 10)}.

The Palisade team
`,
  };
}

export function trialRejected(a: { firstName: string; company: string; reason: string }): Message {
  return {
    subject: "Your Palisade trial request",
    text: `Hello ${a.firstName},

thank you for your interest in Palisade. We cannot offer ${a.company} a trial at this time.

Reason: ${a.reason}

Reply to this message if you think this is a mistake.

The Palisade team
`,
  };
}

export function trialReceived(a: { firstName: string }): Message {
  return {
    subject: "We received your Palisade trial request",
    text: `Hello ${a.firstName},

we received your trial request. Someone from our team will review it shortly; you will hear from us by email.

The Palisade team
`,
  };
}

export function trialExpired(a: { firstName: string; company: string; portalUrl: string }): Message {
  return {
    subject: "Your Palisade trial has ended",
    text: `Hello ${a.firstName},

the Palisade trial of ${a.company} has ended. You can still sign in and read everything at ${a.portalUrl},
but changes are no longer accepted. Reply to this message to continue with Palisade.

The Palisade team
`,
  };
}
