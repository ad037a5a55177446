// Drives secret-mcp with the official TypeScript SDK client, as a non-.NET agent would:
// list tools, get a snippet, run it in bash twice (the second run must fail), clean up.
// Usage: node bash-flow.mjs <tool> <seed.json> <secret>
// Prints one JSON summary on stdout; never the value itself, only its SHA-256.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { spawnSync } from "node:child_process";

const [tool, seed, secret] = process.argv.slice(2);
if (!tool || !seed || !secret) {
  console.error("usage: node bash-flow.mjs <tool> <seed.json> <secret>");
  process.exit(2);
}

const transport = new StdioClientTransport({ command: tool, args: ["serve", "--dev", "--seed", seed], env: process.env, stderr: "pipe" });
let serverStderr = "";
transport.stderr?.on("data", (chunk) => { serverStderr += chunk; });

const client = new Client({ name: "secret-mcp-ts-e2e", version: "1.0.0" });
await client.connect(transport);

const bash = (script) => {
  const run = spawnSync("bash", ["-c", script], { encoding: "utf8", env: process.env, timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
};

const tools = (await client.listTools()).tools.map((t) => t.name);
const issued = await client.callTool({ name: "get_secret_environment_variable", arguments: { secret, shell: "bash" } });
const { variable, snippet } = issued.structuredContent;

const first = bash(`${snippet}\nprintf '%s' "$${variable}" | sha256sum`);
const second = bash(`${snippet}\nrc=$?; echo "rc=$rc set=\${${variable}+yes}"; exit $rc`);
const cleanup = await client.callTool({ name: "cleanup", arguments: { shell: "bash" } });
const unset = bash(`${variable}=x; export ${variable}\n${cleanup.structuredContent.snippet}\necho "rc=$? set=\${${variable}+yes}"`);

await client.close();

console.log(JSON.stringify({
  tools,
  isError: issued.isError ?? false,
  variable,
  first: { code: first.code, sha256: first.stdout.split(" ")[0], stderr: first.stderr },
  second: { code: second.code, stdout: second.stdout, stderr: second.stderr },
  cleanup: { text: cleanup.content.map((c) => c.text).join("\n"), unset: unset.stdout },
  results: [issued, cleanup],
  serverStderr,
}));
