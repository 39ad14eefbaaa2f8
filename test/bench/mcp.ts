/**
 * MCP context bench: what 50 MCP tools cost per request when deferred behind `tool_search` versus sending every
 * schema (o200k tokens, gpt-tokenizer), and recall@5 of the search over a query set. Exported for the bench runner.
 */
import { countTokens } from 'gpt-tokenizer'; // the default encoding is o200k_base
import { searchTools, toolSearchDefinition, type SearchEntry } from '../../src/core/index';

interface FakeTool { server: string; name: string; description: string; params: Record<string, string> }

const SERVERS: Record<string, Array<[string, string, string[]]>> = {
  github: [
    ['create_issue', 'Create a new issue in a GitHub repository with a title, body, labels and assignees.', ['owner', 'repo', 'title', 'body', 'labels']],
    ['list_issues', 'List issues in a GitHub repository, filtered by state, labels and assignee.', ['owner', 'repo', 'state', 'labels']],
    ['create_pull_request', 'Open a pull request from a head branch into a base branch.', ['owner', 'repo', 'head', 'base', 'title']],
    ['merge_pull_request', 'Merge an open pull request using merge, squash or rebase.', ['owner', 'repo', 'pull_number', 'merge_method']],
    ['get_file_contents', 'Get the contents of a file or directory in a repository at a ref.', ['owner', 'repo', 'path', 'ref']],
    ['search_code', 'Search code across GitHub repositories with the code search syntax.', ['query', 'per_page']],
    ['list_commits', 'List commits of a branch, newest first.', ['owner', 'repo', 'sha', 'per_page']],
    ['add_issue_comment', 'Add a comment to an issue or pull request.', ['owner', 'repo', 'issue_number', 'body']],
    ['create_branch', 'Create a new branch from an existing ref.', ['owner', 'repo', 'branch', 'from_branch']],
    ['get_workflow_run_logs', 'Download the logs of a GitHub Actions workflow run.', ['owner', 'repo', 'run_id']],
  ],
  postgres: [
    ['query', 'Run a read-only SQL query against the database and return rows as JSON.', ['sql']],
    ['list_tables', 'List the tables of a schema with their row estimates.', ['schema']],
    ['describe_table', 'Show the columns, types, indexes and constraints of a table.', ['table', 'schema']],
    ['explain_query', 'Show the query plan of a SQL statement with EXPLAIN ANALYZE.', ['sql']],
    ['list_schemas', 'List the schemas in the database.', []],
    ['get_slow_queries', 'Report the slowest queries from pg_stat_statements.', ['limit']],
    ['list_indexes', 'List indexes of a table with their size and usage.', ['table']],
    ['table_size', 'Report disk size of tables and their indexes.', ['table']],
    ['list_extensions', 'List installed PostgreSQL extensions.', []],
    ['active_connections', 'Show current connections and what they run.', []],
  ],
  browser: [
    ['navigate', 'Open a URL in the browser page.', ['url']],
    ['click', 'Click an element on the page by its accessible name or selector.', ['element', 'ref']],
    ['type_text', 'Type text into an input field, optionally pressing Enter.', ['element', 'text', 'submit']],
    ['take_screenshot', 'Capture a screenshot of the page or an element.', ['element', 'full_page']],
    ['snapshot', 'Capture the accessibility tree snapshot of the current page.', []],
    ['console_messages', 'Return the browser console messages logged so far.', []],
    ['network_requests', 'List network requests the page made since it loaded.', []],
    ['wait_for', 'Wait for text to appear or disappear, or for a time.', ['text', 'time']],
    ['select_option', 'Select an option in a dropdown.', ['element', 'values']],
    ['close_page', 'Close the current browser page.', []],
  ],
  slack: [
    ['post_message', 'Post a message to a Slack channel.', ['channel_id', 'text']],
    ['reply_to_thread', 'Reply in a thread of a Slack message.', ['channel_id', 'thread_ts', 'text']],
    ['list_channels', 'List public channels in the workspace.', ['limit']],
    ['channel_history', 'Get recent messages of a channel.', ['channel_id', 'limit']],
    ['add_reaction', 'Add an emoji reaction to a message.', ['channel_id', 'timestamp', 'reaction']],
    ['get_users', 'List users of the workspace with their profiles.', ['limit']],
    ['user_profile', 'Get the profile of one user.', ['user_id']],
    ['search_messages', 'Search messages across channels.', ['query']],
    ['upload_file', 'Upload a file to a channel.', ['channel_id', 'filename', 'content']],
    ['set_channel_topic', 'Set the topic of a channel.', ['channel_id', 'topic']],
  ],
  sentry: [
    ['list_issues', 'List unresolved Sentry issues of a project, most frequent first.', ['project', 'query']],
    ['get_issue_details', 'Get an issue with its latest event and stack trace.', ['issue_id']],
    ['resolve_issue', 'Mark a Sentry issue as resolved.', ['issue_id']],
    ['list_projects', 'List projects in the organization.', []],
    ['search_events', 'Search error events with a query over tags and messages.', ['query', 'project']],
    ['get_release', 'Get a release with its commits and deploys.', ['version']],
    ['list_releases', 'List releases of a project.', ['project']],
    ['assign_issue', 'Assign a Sentry issue to a user or team.', ['issue_id', 'assignee']],
    ['get_event_attachment', 'Download an attachment of an event.', ['event_id', 'attachment_id']],
    ['performance_summary', 'Summarise transaction latency percentiles of a project.', ['project', 'transaction']],
  ],
};

export function benchTools(): FakeTool[] {
  return Object.entries(SERVERS).flatMap(([server, tools]) => tools.map(([name, description, params]) => ({
    server, name: `${server}__${name}`, description, params: Object.fromEntries(params.map(p => [p, `The ${p.replace(/_/g, ' ')}.`])),
  })));
}

const schemaOf = (t: FakeTool) => ({ type: 'object', properties: Object.fromEntries(Object.entries(t.params).map(([k, d]) => [k, { type: 'string', description: d }])), required: Object.keys(t.params).slice(0, 2) });
const tokens = (defs: unknown[]) => countTokens(JSON.stringify(defs));

/** Queries and the tool each should find. */
export const QUERIES: Array<[string, string]> = [
  ['open a pull request', 'github__create_pull_request'], ['file a bug issue on github', 'github__create_issue'],
  ['comment on an issue', 'github__add_issue_comment'], ['ci logs of a failed workflow run', 'github__get_workflow_run_logs'],
  ['run sql', 'postgres__query'], ['columns of a table', 'postgres__describe_table'], ['why is this query slow plan', 'postgres__explain_query'],
  ['open a web page url', 'browser__navigate'], ['screenshot of the page', 'browser__take_screenshot'], ['console errors in the browser', 'browser__console_messages'],
  ['send a slack message to a channel', 'slack__post_message'], ['reply in thread', 'slack__reply_to_thread'], ['search slack messages', 'slack__search_messages'],
  ['stack trace of a sentry issue', 'sentry__get_issue_details'], ['resolve the error issue in sentry', 'sentry__resolve_issue'],
  ['latency percentiles of transactions', 'sentry__performance_summary'], ['postgres__list_tables', 'postgres__list_tables'],
  ['merge_pull_request', 'github__merge_pull_request'], ['type into an input field', 'browser__type_text'], ['emoji reaction', 'slack__add_reaction'],
];

export interface McpBenchResult {
  tools: number;
  allSchemasTokens: number;
  deferredTokens: number;
  addedTokens: number;
  recallAt5: number;
  queries: number;
}

export function runMcpBench(): McpBenchResult {
  const tools = benchTools();
  const all = tools.map(t => ({ name: t.name, description: t.description, parameters: schemaOf(t) }));
  const deferred = [toolSearchDefinition(Object.keys(SERVERS), tools.length)];
  const entries: SearchEntry[] = tools.map(t => ({ name: t.name, remoteName: t.name.split('__')[1], description: t.description, paramNames: Object.keys(t.params) }));
  const hits = QUERIES.filter(([q, want]) => searchTools(q, entries, 5).includes(want)).length;
  const allSchemasTokens = tokens(all);
  const deferredTokens = tokens(deferred);
  return { tools: tools.length, allSchemasTokens, deferredTokens, addedTokens: deferredTokens, recallAt5: hits / QUERIES.length, queries: QUERIES.length };
}

if (require.main === module) console.log(JSON.stringify(runMcpBench(), null, 2));
