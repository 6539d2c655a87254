// Generated from the JSDoc of the .js file next to it by make-types.js; do not edit.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type WorkflowNode = {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: number[];
	parameters: Record<string, any>;
	credentials?: Record<
		string,
		{
			id: string;
			name: string;
		}
	>;
	webhookId?: string;
	[k: string]: unknown;
};
export type Workflow = {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, any>;
	settings?: Record<string, unknown>;
	active?: boolean;
	[k: string]: unknown;
};
/** The root of this project (where package.json is). */
export const PROJECT_DIR: string;
export const EXAMPLES_DIR: string;
/** The credentials the examples refer to (by id; a user picks their own after importing). */
export const EXAMPLE_CREDENTIALS: Readonly<{
	wappfly: Readonly<{
		id: 'wappflyCred00001';
		name: 'Wappfly account';
		type: 'wappflyApi';
	}>;
	openAi: Readonly<{
		id: 'openAiAccount001';
		name: 'OpenAI account';
		type: 'openAiApi';
	}>;
}>;
/** Where the invoice example reads its PDF (`invoice-<number>.pdf`); the demo and tests move it. */
export const EXAMPLE_INVOICE_DIR: '/data/invoices';
/**
 * @typedef {{ id?: string, name: string, type: string, typeVersion: number, position: number[],
 *   parameters: Record<string, any>, credentials?: Record<string, { id: string, name: string }>,
 *   webhookId?: string, [k: string]: unknown }} WorkflowNode
 * @typedef {{ id: string, name: string, nodes: WorkflowNode[], connections: Record<string, any>,
 *   settings?: Record<string, unknown>, active?: boolean, [k: string]: unknown }} Workflow
 */
/**
 * Reads every `*.json` of the examples folder, sorted by file name.
 * @param {string} [dir]
 * @returns {Array<{ file: string, workflow: Workflow }>}
 */
export function loadExamples(dir?: string): Array<{
	file: string;
	workflow: Workflow;
}>;
/**
 * @param {Workflow} workflow
 * @param {string} nodeName
 */
export function nodeNamed(workflow: Workflow, nodeName: string): WorkflowNode;
/**
 * A copy whose Read/Write Files From Disk nodes read from `toDir` instead of `fromDir`.
 * @param {Workflow} workflow
 * @param {string} fromDir
 * @param {string} toDir
 */
export function relocateFileReads(workflow: Workflow, fromDir: string, toDir: string): Workflow;
/**
 * A copy that `n8n execute` / `execute-batch` can start: the trigger node `triggerName` (a
 * Schedule or Chat Trigger, which the CLI cannot fire) becomes a Manual Trigger of the same name,
 * or, when `output` is given, a Set node of the same name that outputs `output`, started by a new
 * Manual Trigger. Connections stay as they are.
 * @param {Workflow} workflow
 * @param {string} triggerName
 * @param {Record<string, unknown>} [output]
 */
export function withManualStart(
	workflow: Workflow,
	triggerName: string,
	output?: Record<string, unknown>,
): Workflow;
/**
 * A copy started over HTTP by n8n's own Webhook node: the node `triggerName` (default: the
 * workflow's Manual Trigger) becomes a Webhook node of the same name that listens for POST on
 * `/webhook/<webhookId>` (production URL) and answers at once ("Workflow was started"). The POSTed
 * JSON is `$json.body` of its item. Connections stay as they are.
 * @param {Workflow} workflow
 * @param {string} webhookId  a UUID; also the path
 * @param {string} [triggerName]
 */
export function withWebhookStart(
	workflow: Workflow,
	webhookId: string,
	triggerName?: string,
): Workflow;
/**
 * The production webhook path (after `/webhook/`) of a workflow's Wappfly Trigger (or of the
 * node named `nodeName`): `<webhookId>/webhook`.
 * @param {Workflow} workflow
 * @param {string} [nodeName]
 */
export function webhookPathOf(workflow: Workflow, nodeName?: string): string;
/**
 * Whether a workflow starts from a Wappfly Trigger (to be activated and fed through its webhook).
 * @param {Workflow} workflow
 */
export function hasWappflyTrigger(workflow: Workflow): boolean;
/**
 * A small, valid one-page PDF: the invoice the invoice example sends (the demo and the tests write
 * it to disk; no binary fixture is kept in the repository).
 * @param {string} invoiceNumber
 * @returns {Buffer}
 */
export function invoicePdf(invoiceNumber: string): Buffer;
