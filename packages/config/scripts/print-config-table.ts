// Prints the README's configuration table from the schema: npm run config:doc
import { describeConfig } from "../src/index.ts";

console.log(describeConfig());
