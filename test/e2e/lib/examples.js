// @ts-check
'use strict';

/**
 * The example workflows of `examples/*.json`, and the few changes the demo and the end-to-end
 * suite make to them before importing them into an n8n (a file path, a trigger that n8n's CLI
 * cannot start). Plain CommonJS, Node built-ins only.
 */

const fs = require('node:fs');
const path = require('node:path');

/** The root of this project (where package.json is). */
const PROJECT_DIR = path.resolve(__dirname, '..', '..', '..');
const EXAMPLES_DIR = path.join(PROJECT_DIR, 'examples');

/** The credentials the examples refer to (by id; a user picks their own after importing). */
const EXAMPLE_CREDENTIALS = Object.freeze({
	wappfly: Object.freeze({ id: 'wappflyCred00001', name: 'Wappfly account', type: 'wappflyApi' }),
	openAi: Object.freeze({ id: 'openAiAccount001', name: 'OpenAI account', type: 'openAiApi' }),
});

/** Where the invoice example reads its PDF (`invoice-<number>.pdf`); the demo and tests move it. */
const EXAMPLE_INVOICE_DIR = '/data/invoices';

const TRIGGER_TYPE = 'n8n-nodes-wappfly.wappflyTrigger';

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
function loadExamples(dir = EXAMPLES_DIR) {
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => ({
			file,
			workflow: /** @type {Workflow} */ (JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))),
		}));
}

/** @param {Workflow} workflow */
function clone(workflow) {
	return /** @type {Workflow} */ (JSON.parse(JSON.stringify(workflow)));
}

/**
 * @param {Workflow} workflow
 * @param {string} nodeName
 */
function nodeNamed(workflow, nodeName) {
	const node = workflow.nodes.find((n) => n.name === nodeName);
	if (!node) throw new Error(`workflow ${workflow.id} has no node "${nodeName}"`);
	return node;
}

/**
 * A copy whose Read/Write Files From Disk nodes read from `toDir` instead of `fromDir`.
 * @param {Workflow} workflow
 * @param {string} fromDir
 * @param {string} toDir
 */
function relocateFileReads(workflow, fromDir, toDir) {
	const copy = clone(workflow);
	for (const node of copy.nodes) {
		if (node.type !== 'n8n-nodes-base.readWriteFile') continue;
		const selector = node.parameters.fileSelector;
		if (typeof selector === 'string')
			node.parameters.fileSelector = selector.split(fromDir).join(toDir);
	}
	return copy;
}

/**
 * A copy that `n8n execute` / `execute-batch` can start: the trigger node `triggerName` (a
 * Schedule or Chat Trigger, which the CLI cannot fire) becomes a Manual Trigger of the same name,
 * or, when `output` is given, a Set node of the same name that outputs `output`, started by a new
 * Manual Trigger. Connections stay as they are.
 * @param {Workflow} workflow
 * @param {string} triggerName
 * @param {Record<string, unknown>} [output]
 */
function withManualStart(workflow, triggerName, output) {
	const copy = clone(workflow);
	const index = copy.nodes.findIndex((n) => n.name === triggerName);
	if (index < 0) throw new Error(`workflow ${workflow.id} has no node "${triggerName}"`);
	const trigger = copy.nodes[index];
	if (!output) {
		copy.nodes[index] = {
			id: trigger.id,
			name: trigger.name,
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: trigger.position,
			parameters: {},
		};
		return copy;
	}
	copy.nodes[index] = {
		id: trigger.id,
		name: trigger.name,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position: trigger.position,
		parameters: { mode: 'raw', jsonOutput: JSON.stringify(output), options: {} },
	};
	let startName = 'Manual start';
	while (copy.nodes.some((n) => n.name === startName)) startName += ' ';
	copy.nodes.push({
		id: 'e2e-manual-start',
		name: startName,
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [trigger.position[0] - 220, trigger.position[1]],
		parameters: {},
	});
	copy.connections[startName] = { main: [[{ node: trigger.name, type: 'main', index: 0 }]] };
	return copy;
}

/**
 * A copy started over HTTP by n8n's own Webhook node: the node `triggerName` (default: the
 * workflow's Manual Trigger) becomes a Webhook node of the same name that listens for POST on
 * `/webhook/<webhookId>` (production URL) and answers at once ("Workflow was started"). The POSTed
 * JSON is `$json.body` of its item. Connections stay as they are.
 * @param {Workflow} workflow
 * @param {string} webhookId  a UUID; also the path
 * @param {string} [triggerName]
 */
function withWebhookStart(workflow, webhookId, triggerName) {
	const copy = clone(workflow);
	const index = copy.nodes.findIndex((n) =>
		triggerName === undefined ? n.type === 'n8n-nodes-base.manualTrigger' : n.name === triggerName,
	);
	if (index < 0)
		throw new Error(`workflow ${workflow.id} has no node "${triggerName ?? 'Manual Trigger'}"`);
	const trigger = copy.nodes[index];
	copy.nodes[index] = {
		id: trigger.id,
		name: trigger.name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: trigger.position,
		webhookId,
		parameters: { httpMethod: 'POST', path: webhookId, responseMode: 'onReceived', options: {} },
	};
	return copy;
}

/**
 * The production webhook path (after `/webhook/`) of a workflow's Wappfly Trigger (or of the
 * node named `nodeName`): `<webhookId>/webhook`.
 * @param {Workflow} workflow
 * @param {string} [nodeName]
 */
function webhookPathOf(workflow, nodeName) {
	const node = nodeName
		? nodeNamed(workflow, nodeName)
		: workflow.nodes.find((n) => n.type === TRIGGER_TYPE);
	if (!node || !node.webhookId)
		throw new Error(`workflow ${workflow.id} has no Wappfly Trigger with a webhookId`);
	return `${node.webhookId}/webhook`;
}

/**
 * Whether a workflow starts from a Wappfly Trigger (to be activated and fed through its webhook).
 * @param {Workflow} workflow
 */
function hasWappflyTrigger(workflow) {
	return workflow.nodes.some((n) => n.type === TRIGGER_TYPE);
}

/**
 * A small, valid one-page PDF: the invoice the invoice example sends (the demo and the tests write
 * it to disk; no binary fixture is kept in the repository).
 * @param {string} invoiceNumber
 * @returns {Buffer}
 */
function invoicePdf(invoiceNumber) {
	const content = `BT /F1 24 Tf 72 760 Td (Invoice ${invoiceNumber} - EUR 149.00) Tj ET`;
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
		`<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
	];
	let pdf = '%PDF-1.4\n';
	/** @type {number[]} */
	const offsets = [];
	objects.forEach((object, index) => {
		offsets.push(pdf.length);
		pdf += `${index + 1} 0 obj\n${object}\nendobj\n`;
	});
	const xref = pdf.length;
	pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
	for (const offset of offsets) pdf += `${String(offset).padStart(10, '0')} 00000 n \n`;
	pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(pdf, 'latin1');
}

module.exports = {
	PROJECT_DIR,
	EXAMPLES_DIR,
	EXAMPLE_CREDENTIALS,
	EXAMPLE_INVOICE_DIR,
	loadExamples,
	nodeNamed,
	relocateFileReads,
	withManualStart,
	withWebhookStart,
	webhookPathOf,
	hasWappflyTrigger,
	invoicePdf,
};
