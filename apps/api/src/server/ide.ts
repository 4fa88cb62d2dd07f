import { createRequire } from "node:module";
import path from "node:path";
import express, { type Router } from "express";

const require = createRequire(import.meta.url);
const dir = (pkg: string) => path.dirname(require.resolve(`${pkg}/package.json`));

/**
 * GraphiQL, served from this process's own node_modules (this machine reaches no CDN). It talks to
 * /graphql over HTTP and graphql-ws, and keeps the Authorization header the user types in its headers tab.
 */
export function ideRouter(): Router {
  const router = express.Router();
  const assets: Record<string, string> = {
    "react.js": path.join(dir("react"), "umd/react.production.min.js"),
    "react-dom.js": path.join(dir("react-dom"), "umd/react-dom.production.min.js"),
    "graphiql.js": path.join(dir("graphiql"), "graphiql.min.js"),
    "graphiql.css": path.join(dir("graphiql"), "graphiql.min.css"),
  };
  for (const [name, file] of Object.entries(assets)) {
    router.get(`/assets/${name}`, (_req, res) => res.sendFile(file, { maxAge: "1h" }));
  }
  router.get("/", (_req, res) => {
    res.type("html").send(page);
  });
  return router;
}

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Palisade GraphQL</title>
  <link rel="stylesheet" href="/ide/assets/graphiql.css" />
  <style>body { margin: 0; height: 100vh; } #ide { height: 100vh; }</style>
</head>
<body>
  <div id="ide">Loading the GraphQL IDE...</div>
  <script src="/ide/assets/react.js"></script>
  <script src="/ide/assets/react-dom.js"></script>
  <script src="/ide/assets/graphiql.js"></script>
  <script>
    const url = new URL("/graphql", location.href).toString();
    const fetcher = GraphiQL.createFetcher({ url, subscriptionUrl: url.replace(/^http/, "ws") });
    ReactDOM.createRoot(document.getElementById("ide")).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultEditorToolsVisibility: true,
        headers: JSON.stringify({ Authorization: "Bearer <your access token>" }, null, 2),
        defaultQuery: "# Put your access token in the Headers tab below, then run:\\nquery { me { user { email } tenant { name status trialEndsAt } roles } }\\n",
      }),
    );
  </script>
</body>
</html>`;
