/**
 * The workflows the end-to-end suite imports into a real n8n, built in code: one per operation of
 * the Wappfly node (plus media sources, Continue On Fail and API errors), each with what the run
 * and the contract server must show afterwards.
 */
import type { IDataObject } from 'n8n-workflow';

import { statusHint } from '../../../nodes/shared/errors';
import {
	ERRORS,
	SEED,
	type RecordedRequest,
	type WappflyServer,
} from '../../server/wappfly-server';
import { EXAMPLE_CREDENTIALS, type Workflow, type WorkflowNode } from '../lib/examples';
import type { ExecutionRecord } from '../lib/n8n-instance';
import { FIXTURES, type MediaFixture } from './media';

export const WAPPFLY_NODE_TYPE = 'n8n-nodes-wappfly.wappfly';
export const WAPPFLY_TOOL_TYPE = 'n8n-nodes-wappfly.wappflyTool';
export const WAPPFLY_TRIGGER_TYPE = 'n8n-nodes-wappfly.wappflyTrigger';

export interface CredentialRef {
	id: string;
	name: string;
}

/** The credential every workflow uses unless it says otherwise (the examples' one). */
export const MAIN_CREDENTIAL: CredentialRef = {
	id: EXAMPLE_CREDENTIALS.wappfly.id,
	name: EXAMPLE_CREDENTIALS.wappfly.name,
};
/** Points at a second contract server whose quota is used up. */
export const QUOTA_CREDENTIAL: CredentialRef = {
	id: 'wappflyQuota0001',
	name: 'Wappfly (quota used up)',
};
/** Points at the main contract server with a token it does not know. */
export const WRONG_TOKEN_CREDENTIAL: CredentialRef = {
	id: 'wappflyBadTok001',
	name: 'Wappfly (wrong token)',
};

export const ALICE = SEED.aliceJid;
export const BOB = SEED.bobJid;
export const GROUP = SEED.groupJid;

export const WAPPFLY_POLLING_TRIGGER_TYPE = 'n8n-nodes-wappfly.wappflyPollingTrigger';
/**
 * A poll every 5 seconds, as twelve poll times of one second each (`0 * * * * *`, `5 * * * * *`,
 * ...). n8n refuses a poll cron that fires more than once a minute: 1.x one with `*` in its
 * seconds field, 2.40 also one that lists several seconds (`0,5,10 * * * * *`); several poll
 * times are allowed in both.
 */
export const EVERY_5_SECONDS = Array.from({ length: 12 }, (_, index) => ({
	mode: 'custom',
	cronExpression: `${index * 5} * * * * *`,
}));
/** The contract server's seed: its newest message, history that a poll must never emit. */
export const NEWEST_SEED_ID = 122;

/**
 * A Wappfly Polling Trigger named `triggerName` (every 5 seconds, the main credential) followed
 * by a No Op named 'Received'. An id of at most 16 characters (n8n 1.x saves static data only
 * for those).
 */
export function pollingWorkflow(id: string, name: string, triggerName: string): Workflow {
	return {
		id,
		name,
		nodes: [
			{
				id: `${id}-trigger`,
				name: triggerName,
				type: WAPPFLY_POLLING_TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: { pollTimes: { item: EVERY_5_SECONDS }, options: {} },
				credentials: { wappflyApi: MAIN_CREDENTIAL },
			},
			{
				id: `${id}-received`,
				name: 'Received',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [220, 0],
				parameters: {},
			},
		],
		connections: { [triggerName]: { main: [[{ node: 'Received', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

export function byId(value: string): IDataObject {
	return { __rl: true, mode: 'id', value };
}

export function fromList(value: string): IDataObject {
	return { __rl: true, mode: 'list', value };
}

/** A node without its id and position (given by linearWorkflow). */
interface NodeSpec {
	name: string;
	type: string;
	typeVersion: number;
	parameters: IDataObject;
	credentials?: Record<string, CredentialRef>;
	onError?: string;
	executeOnce?: boolean;
}

export function wappflyNode(
	name: string,
	parameters: IDataObject,
	extra: { credential?: CredentialRef; onError?: string; executeOnce?: boolean } = {},
): NodeSpec {
	const node: NodeSpec = {
		name,
		type: WAPPFLY_NODE_TYPE,
		typeVersion: 1,
		parameters,
		credentials: { wappflyApi: extra.credential ?? MAIN_CREDENTIAL },
	};
	if (extra.onError) node.onError = extra.onError;
	if (extra.executeOnce) node.executeOnce = true;
	return node;
}

export function readFileNode(name: string, filePath: string): NodeSpec {
	return {
		name,
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1,
		parameters: { operation: 'read', fileSelector: filePath, options: {} },
	};
}

/** A Set node and a Split Out node that together output one item per element of `items`. */
export function itemsNodes(items: IDataObject[]): NodeSpec[] {
	return [
		{
			name: 'Items',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: { mode: 'raw', jsonOutput: JSON.stringify({ items }), options: {} },
		},
		{
			name: 'One item each',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			parameters: { fieldToSplitOut: 'items', options: {} },
		},
	];
}

/** Manual Trigger "Start", then the nodes, connected one after the other. */
export function linearWorkflow(id: string, name: string, specs: NodeSpec[]): Workflow {
	const all: NodeSpec[] = [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		...specs,
	];
	const nodes: WorkflowNode[] = all.map((spec, index) => ({
		id: `${id}-node-${index}`,
		position: [index * 220, 0],
		...spec,
	}));
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < nodes.length; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { id, name, nodes, connections, settings: { executionOrder: 'v1' } };
}

export interface CaseContext {
	execution: ExecutionRecord;
	/** json of the items the node under test output. */
	output: IDataObject[];
	/** What the contract server received for this case (see `ActionCase.match`). */
	requests: RecordedRequest[];
	server: WappflyServer;
}

export interface ActionCase {
	/** Test title. */
	title: string;
	/** `resource.operation` pairs the case covers. */
	covers: string[];
	workflow: Workflow;
	/** The node whose output is checked. */
	node: string;
	/** Picks this case's requests out of everything the server received. */
	match: (request: RecordedRequest) => boolean;
	/** Whether the run must fail (a node error without Continue On Fail). */
	fails?: boolean;
	check: (ctx: CaseContext) => void;
}

function body(request: RecordedRequest): IDataObject {
	return (request.body ?? {}) as IDataObject;
}

function isPost(path: string, field?: string, value?: string) {
	return (request: RecordedRequest) =>
		request.method === 'POST' &&
		request.path === path &&
		(field === undefined || body(request)[field] === value);
}

function isGet(path: string, query?: Record<string, string>, token?: string) {
	return (request: RecordedRequest) =>
		request.method === 'GET' &&
		request.path === path &&
		Object.entries(query ?? {}).every(([key, value]) => request.query[key] === value) &&
		(token === undefined || request.headers['x-api-token'] === token);
}

/** The answer of a successful send: one item with the queued message id. */
function expectQueued(ctx: CaseContext): string {
	expect(ctx.output).toHaveLength(1);
	expect(ctx.output[0]).toEqual({ queued: true, msg_id: expect.stringMatching(/^[0-9A-F]{16}$/) });
	expect(ctx.requests).toHaveLength(1);
	expect(ctx.requests[0].status).toBe(200);
	return ctx.output[0].msg_id as string;
}

/** The stored message a send created, found by the id n8n output. */
function stored(ctx: CaseContext, msgId: string) {
	const message = ctx.server.state.messages.find((m) => m.msg_id === msgId);
	expect(message).toBeDefined();
	return message!;
}

function expectFile(request: RecordedRequest, fixture: MediaFixture) {
	expect(request.file).toEqual({ bytes: fixture.bytes.length, sha256: fixture.sha256 });
}

function mediaCase(
	title: string,
	id: string,
	operation: 'sendImage' | 'sendVideo' | 'sendAudio',
	fixture: MediaFixture,
	filesDir: string,
	expected: { mimetype: string; caption?: string },
): ActionCase {
	const path = `/api/messages/${operation.replace('send', '').toLowerCase()}`;
	const options: IDataObject = expected.caption ? { caption: expected.caption } : {};
	return {
		title,
		covers: [`message.${operation}`],
		workflow: linearWorkflow(id, title, [
			readFileNode('Read file', `${filesDir}/${fixture.fileName}`),
			wappflyNode('Wappfly', {
				resource: 'message',
				operation,
				to: byId('+15551234567'),
				mediaSource: 'binary',
				binaryPropertyName: 'data',
				options,
			}),
		]),
		node: 'Wappfly',
		match: (request) => request.path === path && request.file?.sha256 === fixture.sha256,
		check: (ctx) => {
			const msgId = expectQueued(ctx);
			const [request] = ctx.requests;
			expectFile(request, fixture);
			const sent: IDataObject = { to: ALICE, mimetype: expected.mimetype };
			if (expected.caption) sent.caption = expected.caption;
			expect(body(request)).toMatchObject(sent);
			expect(stored(ctx, msgId).type).toBe(operation.replace('send', '').toLowerCase());
		},
	};
}

/** Media from binary files read from disk: run in both binary-data modes. */
export function binaryMediaCases(filesDir: string, mode: string): ActionCase[] {
	return [
		mediaCase(
			`message sendImage from a PNG read from disk (${mode})`,
			'e2eImageBinary01',
			'sendImage',
			FIXTURES.png,
			filesDir,
			{
				mimetype: 'image/png',
				caption: `E2E image from disk (${mode})`,
			},
		),
		mediaCase(
			`message sendVideo from an MP4 read from disk (${mode})`,
			'e2eVideoBinary01',
			'sendVideo',
			FIXTURES.mp4,
			filesDir,
			{
				mimetype: 'video/mp4',
				caption: `E2E video from disk (${mode})`,
			},
		),
		mediaCase(
			`message sendAudio: an OGG read from disk goes out as a voice note (${mode})`,
			'e2eAudioBinary01',
			'sendAudio',
			FIXTURES.ogg,
			filesDir,
			{
				mimetype: 'audio/ogg; codecs=opus',
			},
		),
	];
}

export interface ActionCaseEnv {
	/** N8N_RESTRICT_FILE_ACCESS_TO of the user folder, where the fixtures are. */
	filesDir: string;
	/** URL where the contract server serves FIXTURES.jpeg. */
	jpegUrl: string;
	/** The token the wrong-token credential carries. */
	wrongToken: string;
	/** The quota server (its state is checked by the 402 case). */
	quotaServer: WappflyServer;
}

const NOT_A_MESSAGE = '0000DEADBEEF0000';

/** Every operation, run in the memory binary mode. */
export function actionCases(env: ActionCaseEnv): ActionCase[] {
	const pdfBase64 = FIXTURES.terms.bytes.toString('base64');
	return [
		{
			title: 'message sendText to a number typed with spaces and brackets',
			covers: ['message.sendText'],
			workflow: linearWorkflow('e2eSendText00001', 'E2E sendText', [
				wappflyNode('Wappfly', {
					resource: 'message',
					operation: 'sendText',
					to: byId('+1 (555) 123-4567'),
					text: 'E2E sendText: hello from n8n',
				}),
			]),
			node: 'Wappfly',
			match: isPost('/api/messages/send', 'text', 'E2E sendText: hello from n8n'),
			check: (ctx) => {
				const msgId = expectQueued(ctx);
				expect(body(ctx.requests[0])).toEqual({ to: ALICE, text: 'E2E sendText: hello from n8n' });
				expect(ctx.requests[0].headers['content-type']).toMatch(/^application\/json/);
				expect(stored(ctx, msgId)).toMatchObject({
					chat_jid: ALICE,
					body: 'E2E sendText: hello from n8n',
				});
			},
		},
		{
			title: 'message sendText to a group picked from the list',
			covers: ['message.sendText'],
			workflow: linearWorkflow('e2eSendTextGrp01', 'E2E sendText to a group', [
				wappflyNode('Wappfly', {
					resource: 'message',
					operation: 'sendText',
					to: fromList(GROUP),
					text: 'E2E sendText: hello, team',
				}),
			]),
			node: 'Wappfly',
			match: isPost('/api/messages/send', 'text', 'E2E sendText: hello, team'),
			check: (ctx) => {
				expectQueued(ctx);
				expect(body(ctx.requests[0])).toEqual({ to: GROUP, text: 'E2E sendText: hello, team' });
			},
		},
		...binaryMediaCases(env.filesDir, 'memory'),
		{
			title: 'message sendImage from a URL: downloaded by n8n, sent byte for byte',
			covers: ['message.sendImage'],
			workflow: linearWorkflow('e2eImageUrl00001', 'E2E sendImage from a URL', [
				wappflyNode('Wappfly', {
					resource: 'message',
					operation: 'sendImage',
					to: byId('447700900123'),
					mediaSource: 'url',
					url: env.jpegUrl,
					options: { caption: 'E2E image from a URL' },
				}),
			]),
			node: 'Wappfly',
			match: isPost('/api/messages/image', 'caption', 'E2E image from a URL'),
			check: (ctx) => {
				expectQueued(ctx);
				expectFile(ctx.requests[0], FIXTURES.jpeg);
				expect(body(ctx.requests[0])).toMatchObject({ to: BOB, mimetype: 'image/jpeg' });
				expect(
					ctx.server.fileRequests.filter((r) => env.jpegUrl.endsWith(r.path)).map((r) => r.method),
				).toEqual(['GET']);
			},
		},
		{
			title: 'message sendDocument from base64 (data: URL) with a file name',
			covers: ['message.sendDocument'],
			workflow: linearWorkflow('e2eDocBase640001', 'E2E sendDocument from base64', [
				wappflyNode('Wappfly', {
					resource: 'message',
					operation: 'sendDocument',
					to: byId('15551234567@s.whatsapp.net'),
					mediaSource: 'base64',
					base64: `data:application/pdf;base64,${pdfBase64}`,
					options: { fileName: 'terms-and-conditions.pdf', caption: 'E2E document from base64' },
				}),
			]),
			node: 'Wappfly',
			match: isPost('/api/messages/document', 'caption', 'E2E document from base64'),
			check: (ctx) => {
				const msgId = expectQueued(ctx);
				expectFile(ctx.requests[0], FIXTURES.terms);
				expect(body(ctx.requests[0])).toMatchObject({
					to: ALICE,
					filename: 'terms-and-conditions.pdf',
					mimetype: 'application/pdf',
				});
				expect(stored(ctx, msgId).type).toBe('document');
			},
		},
		{
			title: 'message reply quotes the received message',
			covers: ['message.reply'],
			workflow: linearWorkflow('e2eReply00000001', 'E2E reply', [
				wappflyNode('Wappfly', {
					resource: 'message',
					operation: 'reply',
					to: byId(ALICE),
					messageId: SEED.incomingMsgId,
					text: 'E2E reply: got it!',
				}),
			]),
			node: 'Wappfly',
			match: isPost('/api/messages/reply', 'text', 'E2E reply: got it!'),
			check: (ctx) => {
				expectQueued(ctx);
				expect(body(ctx.requests[0])).toEqual({
					to: ALICE,
					text: 'E2E reply: got it!',
					quoted_msg_id: SEED.incomingMsgId,
				});
			},
		},
		{
			title: 'message react with an emoji',
			covers: ['message.react'],
			workflow: linearWorkflow('e2eReact00000001', 'E2E react', [
				wappflyNode('Wappfly', {
					resource: 'message',
					operation: 'react',
					to: byId('0015551234567'),
					messageId: SEED.incomingMsgId,
					emoji: '👍',
				}),
			]),
			node: 'Wappfly',
			match: isPost('/api/messages/reaction'),
			check: (ctx) => {
				expectQueued(ctx);
				expect(body(ctx.requests[0])).toEqual({
					to: ALICE,
					emoji: '👍',
					target_msg_id: SEED.incomingMsgId,
				});
			},
		},
		{
			title: 'message edit changes the text of a sent message',
			covers: ['message.edit'],
			workflow: linearWorkflow('e2eEdit000000001', 'E2E edit', [
				wappflyNode('Wappfly', {
					resource: 'message',
					operation: 'edit',
					to: byId(ALICE),
					messageId: SEED.outgoingMsgId,
					text: 'E2E edit: fixed typo',
				}),
			]),
			node: 'Wappfly',
			match: isPost('/api/messages/edit'),
			check: (ctx) => {
				expectQueued(ctx);
				expect(body(ctx.requests[0])).toEqual({
					to: ALICE,
					text: 'E2E edit: fixed typo',
					target_msg_id: SEED.outgoingMsgId,
				});
				expect(stored(ctx, SEED.outgoingMsgId).body).toBe('E2E edit: fixed typo');
			},
		},
		{
			title: 'message delete revokes a sent message',
			covers: ['message.delete'],
			workflow: linearWorkflow('e2eDelete0000001', 'E2E delete', [
				wappflyNode('Wappfly', {
					resource: 'message',
					operation: 'delete',
					to: byId(ALICE),
					messageId: SEED.outgoingDocumentMsgId,
				}),
			]),
			node: 'Wappfly',
			match: isPost('/api/messages/delete'),
			check: (ctx) => {
				expectQueued(ctx);
				expect(body(ctx.requests[0])).toEqual({
					to: ALICE,
					target_msg_id: SEED.outgoingDocumentMsgId,
				});
				expect(stored(ctx, SEED.outgoingDocumentMsgId).type).toBe('revoked');
			},
		},
		{
			title: 'message getRecent: one item per message, the limit sent to the API',
			covers: ['message.getRecent'],
			workflow: linearWorkflow('e2eGetRecent0001', 'E2E getRecent', [
				wappflyNode('Wappfly', { resource: 'message', operation: 'getRecent', limit: 3 }),
			]),
			node: 'Wappfly',
			match: isGet('/api/messages/recent', { limit: '3' }),
			check: (ctx) => {
				expect(ctx.requests).toHaveLength(1);
				expect(ctx.output).toHaveLength(3);
				const known = new Set(ctx.server.state.messages.map((m) => m.msg_id));
				for (const item of ctx.output) {
					expect(item).toEqual(
						expect.objectContaining({ msg_id: expect.any(String), chat_jid: expect.any(String) }),
					);
					expect(known.has(item.msg_id as string)).toBe(true);
				}
			},
		},
		{
			title: 'chat getAll: Return All, then a limit of 2',
			covers: ['chat.getAll'],
			workflow: linearWorkflow('e2eChatsAll00001', 'E2E chat getAll', [
				wappflyNode('All chats', { resource: 'chat', operation: 'getAll', returnAll: true }),
				wappflyNode(
					'Two chats',
					{ resource: 'chat', operation: 'getAll', returnAll: false, limit: 2 },
					{ executeOnce: true },
				),
			]),
			node: 'All chats',
			match: isGet('/api/chats'),
			check: (ctx) => {
				expect(ctx.requests).toHaveLength(2);
				const names = ctx.output.map((c) => c.name);
				expect(names).toEqual(expect.arrayContaining(['Alice', 'Bob', 'Carla', 'Wappfly Team']));
				expect(ctx.output.find((c) => c.jid === GROUP)).toMatchObject({ is_group: 1 });
				expect(ctx.execution.json('Two chats')).toEqual(ctx.output.slice(0, 2));
			},
		},
		{
			title: 'chat getHistory of a group picked from the list',
			covers: ['chat.getHistory'],
			workflow: linearWorkflow('e2eHistory000001', 'E2E chat getHistory', [
				wappflyNode('Wappfly', {
					resource: 'chat',
					operation: 'getHistory',
					chat: fromList(GROUP),
					limit: 5,
				}),
			]),
			node: 'Wappfly',
			match: isGet('/api/history'),
			check: (ctx) => {
				expect(ctx.requests).toHaveLength(1);
				expect(ctx.requests[0].query).toEqual({ jid: GROUP, limit: '5' });
				const ids = ctx.output.map((m) => m.msg_id);
				expect(ids).toEqual(
					expect.arrayContaining([SEED.outgoingGroupMsgId, SEED.incomingGroupImageMsgId]),
				);
				expect(ctx.output.length).toBeLessThanOrEqual(5);
			},
		},
		{
			title: 'session getMe returns the line and its quota',
			covers: ['session.getMe'],
			workflow: linearWorkflow('e2eGetMe00000001', 'E2E session getMe', [
				wappflyNode('Wappfly', { resource: 'session', operation: 'getMe' }),
			]),
			node: 'Wappfly',
			match: isGet('/api/me'),
			check: (ctx) => {
				expect(ctx.requests).toHaveLength(1);
				expect(ctx.output).toHaveLength(1);
				expect(ctx.output[0]).toMatchObject({
					session: { id: 8, name: 'sales', status: 'connected' },
					user: { quota: 5000, plan: { code: 'starter', name: 'Starter' } },
				});
			},
		},
		{
			title: 'session getStatus says the line is connected',
			covers: ['session.getStatus'],
			workflow: linearWorkflow('e2eGetStatus0001', 'E2E session getStatus', [
				wappflyNode('Wappfly', { resource: 'session', operation: 'getStatus' }),
			]),
			node: 'Wappfly',
			match: (request) =>
				isGet('/api/status')(request) && request.headers['x-api-token'] !== env.wrongToken,
			check: (ctx) => {
				expect(ctx.requests).toHaveLength(1);
				expect(ctx.output).toEqual([
					expect.objectContaining({ id: 8, name: 'sales', status: 'connected' }),
				]);
			},
		},
		{
			title: 'Continue On Fail: a 3-item batch with an API error and a bad number',
			covers: ['message.reply'],
			workflow: linearWorkflow('e2eContinueFail1', 'E2E Continue On Fail', [
				...itemsNodes([
					{ to: '+15551234567', messageId: SEED.incomingMsgId, text: 'E2E continue on fail 1' },
					{ to: '+15551234567', messageId: NOT_A_MESSAGE, text: 'E2E continue on fail 2' },
					{ to: '12', messageId: SEED.incomingMsgId, text: 'E2E continue on fail 3' },
				]),
				wappflyNode(
					'Wappfly',
					{
						resource: 'message',
						operation: 'reply',
						to: byId('={{ $json.to }}'),
						messageId: '={{ $json.messageId }}',
						text: '={{ $json.text }}',
					},
					{ onError: 'continueRegularOutput' },
				),
			]),
			node: 'Wappfly',
			match: (request) =>
				request.path === '/api/messages/reply' &&
				String(body(request).text).startsWith('E2E continue on fail'),
			check: (ctx) => {
				expect(ctx.execution.status).toBe('success');
				expect(ctx.output).toHaveLength(3);
				expect(ctx.output[0]).toEqual({
					queued: true,
					msg_id: expect.stringMatching(/^[0-9A-F]{16}$/),
				});
				expect(ctx.output[1]).toEqual({
					error: ERRORS.messageNotFound(NOT_A_MESSAGE, 'quoted_msg_id'),
					description: statusHint(404),
				});
				expect(ctx.output[2].error).toMatch(/^Invalid Chat "12": .*\(item 2\)$/);
				// Item 3 was refused before any request; none was sent twice.
				expect(ctx.requests.map((r) => [body(r).text, r.status])).toEqual([
					['E2E continue on fail 1', 200],
					['E2E continue on fail 2', 404],
				]);
				const items = ctx.execution.lastNodeOutput('Wappfly') ?? [];
				expect(items.map((i: { pairedItem?: unknown }) => i.pairedItem)).toEqual([
					{ item: 0 },
					{ item: 1 },
					{ item: 2 },
				]);
			},
		},
		{
			title: '402: the quota error as the user sees it in the execution',
			covers: ['message.sendText'],
			workflow: linearWorkflow('e2eQuota00000001', 'E2E quota used up', [
				wappflyNode(
					'Wappfly',
					{
						resource: 'message',
						operation: 'sendText',
						to: byId('+15551234567'),
						text: 'E2E quota: this must not go out',
					},
					{ credential: QUOTA_CREDENTIAL },
				),
			]),
			node: 'Wappfly',
			fails: true,
			match: () => false,
			check: (ctx) => {
				const state = env.quotaServer.state;
				const message = ERRORS.quota(state.requestsUsed, state.quota, state.plan.name);
				expect(ctx.execution.status).toBe('error');
				const nodeError = ctx.execution.nodeError('Wappfly');
				expect(nodeError).toMatchObject({
					message,
					description: statusHint(402),
					httpCode: '402',
				});
				expect(nodeError.description).toMatch(/Get Me/);
				expect(ctx.execution.error).toMatchObject({ message, description: statusHint(402) });
				expect(ctx.execution.lastNodeExecuted).toBe('Wappfly');
				const sent = env.quotaServer.requests.filter((r) => r.path === '/api/messages/send');
				expect(sent.map((r) => r.status)).toEqual([402]);
			},
		},
		{
			title: '401: a wrong token is reported with the fix, not the token',
			covers: ['session.getStatus'],
			workflow: linearWorkflow('e2eWrongToken001', 'E2E wrong token', [
				wappflyNode(
					'Wappfly',
					{ resource: 'session', operation: 'getStatus' },
					{ credential: WRONG_TOKEN_CREDENTIAL },
				),
			]),
			node: 'Wappfly',
			fails: true,
			match: isGet('/api/status', {}, env.wrongToken),
			check: (ctx) => {
				expect(ctx.execution.status).toBe('error');
				expect(ctx.execution.nodeError('Wappfly')).toMatchObject({
					message: ERRORS.unauthorized,
					description: statusHint(401),
					httpCode: '401',
				});
				expect(ctx.requests.map((r) => r.status)).toEqual([401]);
			},
		},
	];
}

/** All 14 resource/operation pairs of the node. */
export const ALL_OPERATIONS = [
	'message.sendText',
	'message.sendImage',
	'message.sendVideo',
	'message.sendDocument',
	'message.sendAudio',
	'message.reply',
	'message.react',
	'message.edit',
	'message.delete',
	'message.getRecent',
	'chat.getAll',
	'chat.getHistory',
	'session.getMe',
	'session.getStatus',
];
