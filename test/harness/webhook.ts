/**
 * Drives the Wappfly Trigger the way n8n's webhook server does, through n8n-core's own code:
 *
 * - activation: `checkExists`, then `create` when it answers false (n8n's
 *   `createWebhookIfNotExists`), and `delete` on deactivation, each in n8n-core's HookContext;
 * - requests: a real Node HTTP server on 127.0.0.1 receives the POST at
 *   `/webhook/<webhookId>/webhook` (production) or `/webhook-test/<webhookId>/webhook` (test),
 *   parses it as n8n's webhook server does for a version-1 node (n8n-core's
 *   `parseIncomingMessage`, raw body kept as `rawBody`, JSON / form / text bodies parsed, 422 for
 *   JSON that does not parse, the query string parsed with repeated names as arrays), and calls
 *   the node's `webhook()` in n8n-core's WebhookContext with the request and Node's response
 *   object (`express.Response` extends it);
 * - afterwards it answers like n8n's `executeWebhook` for `responseMode: 'onReceived'`: nothing
 *   when the node answered itself (`noWebhookResponse`), 200 `{"message":"Workflow was started"}`
 *   when it returned workflow data, 200 with `webhookResponse` (or "Webhook call received") when
 *   it returned neither, and 500 when it threw.
 *
 * Workflow static data is n8n's real ObservableObject. By default one object is shared by every
 * call of a harness, and every change is seen at once by the next call. With `staticDataMode:
 * 'per-request'` the harness keeps static data the way n8n's production webhooks do (LiveWebhooks,
 * n8n 1.x and 2.x): each request builds its workflow from the static data last saved (the
 * database), and the data is saved when the node's `webhook()` has returned, if it changed
 * (WorkflowStaticDataService.saveStaticData, in the response callback); activation and
 * deactivation save it afterwards too (ActiveWorkflowManager). Concurrent requests then each
 * work on their own copy, as in n8n, in one process or in several (queue mode).
 */
import { HookContext, parseIncomingMessage, WebhookContext } from 'n8n-core';
import {
	jsonParse,
	Workflow,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type IWebhookData,
	type IWebhookResponseData,
	type WorkflowActivateMode,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { WappflyTrigger } from '../../nodes/WappflyTrigger/WappflyTrigger.node';
import { http } from '../support/node';
import {
	additionalDataFor,
	nodeTypes,
	useBinaryMode,
	type BinaryMode,
	type WappflyCredentialData,
} from './n8n';

export const TRIGGER_TYPE = 'n8n-nodes-wappfly.wappflyTrigger';
export const TRIGGER_NODE_NAME = 'Wappfly Trigger';
export const WEBHOOK_ID = '5c7f3d2e-wappfly-trigger-test';
/** Static data key of the trigger node in the workflow's static data. */
export const STATIC_DATA_KEY = `node:${TRIGGER_NODE_NAME}`;

type IncomingMessage = InstanceType<typeof http.IncomingMessage>;
type ServerResponse = InstanceType<typeof http.ServerResponse>;
type Server = ReturnType<typeof http.createServer>;

const trigger = new WappflyTrigger();
const CALL_HEADER = 'x-harness-call';

export type TriggerMode = 'production' | 'test';

export interface WebhookCall {
	/** The HTTP status the caller got. */
	status: number;
	/** The response body (only for `post()`; `sendInbound()` returns it to its caller). */
	responseText: string;
	/** The response body parsed as JSON, when it is JSON. */
	response: unknown;
	/** What the node's `webhook()` returned (undefined when it threw or was not called). */
	result?: IWebhookResponseData;
	/** The items of the execution n8n would start, or undefined when none starts. */
	started?: INodeExecutionData[];
	/** Whether the node itself ended the HTTP response before returning. */
	nodeAnswered: boolean;
	/** What `webhook()` threw, if it did. */
	error?: Error;
	/** When the response was finished and when `webhook()` returned (ms since epoch). */
	answeredAt: number;
	returnedAt: number;
	/** When the client had received the whole answer (only for `post()`). */
	receivedAt?: number;
}

export interface PostOptions {
	/** Query string without '?', e.g. 'secret=abc'. */
	query?: string;
	/** Default 'application/json'; null sends no Content-Type. */
	contentType?: string | null;
	headers?: Record<string, string>;
	/** Test URL (manual execution) instead of the production URL. */
	mode?: TriggerMode;
	/** Called as soon as the client has the whole answer, maybe before the node has returned. */
	onAnswer?: () => void;
}

export type StaticDataMode = 'shared' | 'per-request';

export interface TriggerHarnessOptions {
	credentials: WappflyCredentialData;
	parameters?: INodeParameters;
	/** The workflow's static data as n8n would load it from the database. */
	staticData?: IDataObject;
	binaryMode?: BinaryMode;
	/** Default 'shared'; see the top of this file. */
	staticDataMode?: StaticDataMode;
}

interface ParsedRequest extends IncomingMessage {
	body?: unknown;
	query?: Record<string, string | string[]>;
	params?: Record<string, string>;
}

function readRaw(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

/** Query string -> object; a repeated name becomes an array (as Express's query parser does). */
function parseQuery(search: string): Record<string, string | string[]> {
	const query: Record<string, string | string[]> = {};
	for (const [key, value] of new URLSearchParams(search)) {
		const existing = query[key];
		if (existing === undefined) query[key] = value;
		else query[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
	}
	return query;
}

/**
 * A form body as n8n parses it (Node's `querystring.parse`, at most 1000 keys): an object without
 * prototype, so that a `__proto__` field is an ordinary key; a repeated name becomes an array.
 */
function parseForm(text: string): Record<string, string | string[]> {
	const form = Object.create(null) as Record<string, string | string[]>;
	let keys = 0;
	for (const [key, value] of new URLSearchParams(text)) {
		const existing = form[key];
		if (existing === undefined) {
			if (++keys > 1000) break;
			form[key] = value;
		} else form[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
	}
	return form;
}

/**
 * n8n's `parseBody` for the content types this harness needs. Throws on JSON that does not parse.
 * n8n also parses XML (`…/xml`, `…+xml`) and multipart forms into objects; here they stay
 * undefined, like any other content type.
 */
function parseBody(req: ParsedRequest, raw: Buffer): unknown {
	if (!raw.length) return undefined;
	const text = raw.toString(req.encoding ?? 'utf-8');
	switch (req.contentType) {
		case 'application/json':
			return jsonParse(text);
		case 'application/x-www-form-urlencoded':
			return parseForm(text);
		case 'text/plain':
			return text;
		default:
			return undefined;
	}
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
	if (res.writableEnded) return;
	res.statusCode = status;
	res.setHeader('Content-Type', 'application/json; charset=utf-8');
	res.end(JSON.stringify(body));
}

export class TriggerHarness {
	workflow: Workflow;

	readonly calls: WebhookCall[] = [];

	private server?: Server;

	private port = 0;

	private nextCall = 0;

	private readonly pending = new Map<string, Promise<WebhookCall>>();

	private readonly inflight = new Set<Promise<WebhookCall>>();

	/** 'per-request' mode: the static data as last saved ("in the database"). */
	private saved: IDataObject;

	constructor(private readonly options: TriggerHarnessOptions) {
		this.saved = JSON.parse(JSON.stringify(options.staticData ?? {})) as IDataObject;
		this.workflow = this.buildWorkflow(options.parameters ?? {}, options.staticData ?? {});
	}

	static async start(options: TriggerHarnessOptions): Promise<TriggerHarness> {
		const harness = new TriggerHarness(options);
		await harness.listen();
		return harness;
	}

	get credentials(): WappflyCredentialData {
		return this.options.credentials;
	}

	get node(): INode {
		return this.workflow.getNode(TRIGGER_NODE_NAME)!;
	}

	get productionUrl(): string {
		return `http://127.0.0.1:${this.port}/webhook/${WEBHOOK_ID}/webhook`;
	}

	get testUrl(): string {
		return `http://127.0.0.1:${this.port}/webhook-test/${WEBHOOK_ID}/webhook`;
	}

	private get perRequest(): boolean {
		return this.options.staticDataMode === 'per-request';
	}

	/** The trigger node's static data (what `getWorkflowStaticData('node')` returns). */
	get nodeStaticData(): IDataObject {
		const staticData = this.perRequest ? this.saved : this.workflow.staticData;
		return (staticData[STATIC_DATA_KEY] as IDataObject | undefined) ?? {};
	}

	/** The static data as n8n would save it to the database. */
	savedStaticData(): IDataObject {
		return JSON.parse(
			JSON.stringify(this.perRequest ? this.saved : this.workflow.staticData),
		) as IDataObject;
	}

	/**
	 * 'per-request' mode: a workflow built from the saved static data, as n8n builds one for each
	 * webhook request or activation; 'shared' mode: the harness's workflow.
	 */
	private loadWorkflow(): Workflow {
		if (!this.perRequest) return this.workflow;
		return this.buildWorkflow(
			this.workflow.getNode(TRIGGER_NODE_NAME)!.parameters,
			this.savedStaticData(),
		);
	}

	/** n8n's saveStaticData: writes the static data back when something changed it. */
	private saveIfChanged(workflow: Workflow): void {
		if (!this.perRequest || workflow.staticData.__dataChanged !== true) return;
		this.saved = JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject;
		workflow.staticData.__dataChanged = false;
	}

	/** New node parameters, same static data (as after saving the workflow). */
	configure(parameters: INodeParameters): void {
		this.workflow = this.buildWorkflow(parameters, this.workflow.staticData);
	}

	/** n8n's createWebhookIfNotExists: checkExists, then create if needed. */
	async activate(
		activation: WorkflowActivateMode = 'activate',
		mode: TriggerMode = 'production',
	): Promise<{ existed: boolean }> {
		const workflow = this.loadWorkflow();
		const context = this.hookContext(activation, mode, workflow);
		const methods = trigger.webhookMethods.default;
		const existed = await methods.checkExists.call(context);
		if (!existed) await methods.create.call(context);
		this.saveIfChanged(workflow);
		return { existed };
	}

	async deactivate(mode: TriggerMode = 'production'): Promise<boolean> {
		const workflow = this.loadWorkflow();
		const deleted = await trigger.webhookMethods.default.delete.call(
			this.hookContext(mode === 'test' ? 'manual' : 'activate', mode, workflow),
		);
		this.saveIfChanged(workflow);
		return deleted;
	}

	/** POSTs the body (an object is sent as JSON) over HTTP and waits until the node has returned. */
	async post(body: unknown, options: PostOptions = {}): Promise<WebhookCall> {
		const id = String(++this.nextCall);
		const payload = Buffer.isBuffer(body)
			? body
			: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
		const url = new URL(options.mode === 'test' ? this.testUrl : this.productionUrl);
		if (options.query) url.search = options.query;
		const headers: Record<string, string> = {
			[CALL_HEADER]: id,
			'Content-Length': String(payload.length),
			...options.headers,
		};
		const contentType =
			options.contentType === undefined ? 'application/json' : options.contentType;
		if (contentType !== null) headers['Content-Type'] = contentType;

		let receivedAt = 0;
		const text = await new Promise<string>((resolve, reject) => {
			const request = http.request(url, { method: 'POST', headers }, (response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () => {
					receivedAt = Date.now();
					options.onAnswer?.();
					resolve(Buffer.concat(chunks).toString('utf8'));
				});
			});
			request.on('error', reject);
			request.end(payload);
		});
		const call = await this.pending.get(id)!;
		this.pending.delete(id);
		call.receivedAt = receivedAt;
		call.responseText = text;
		try {
			call.response = JSON.parse(text);
		} catch {
			call.response = undefined;
		}
		return call;
	}

	/** Waits until every request received so far has been handled (e.g. after `sendInbound`). */
	async idle(): Promise<void> {
		await Promise.all([...this.inflight]);
	}

	async close(): Promise<void> {
		const { server } = this;
		if (!server) return;
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	private buildWorkflow(parameters: INodeParameters, staticData: IDataObject): Workflow {
		const node: INode = {
			id: 'wappfly-trigger-node',
			name: TRIGGER_NODE_NAME,
			type: TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			webhookId: WEBHOOK_ID,
			parameters: JSON.parse(JSON.stringify(parameters)) as INodeParameters,
			credentials: { wappflyApi: { id: '1', name: 'Wappfly account' } },
		};
		return new Workflow({
			id: 'wf-trigger',
			name: 'Wappfly Trigger test',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes,
			staticData,
			settings: { executionOrder: 'v1' },
		});
	}

	private webhookData(mode: TriggerMode, workflow: Workflow = this.workflow): IWebhookData {
		const description = trigger.description.webhooks![0];
		return {
			httpMethod: 'POST',
			node: TRIGGER_NODE_NAME,
			path: `${WEBHOOK_ID}/${description.path}`,
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalDataFor(this.options.credentials, workflow),
			webhookId: WEBHOOK_ID,
			isTest: mode === 'test',
		};
	}

	private hookContext(
		activation: WorkflowActivateMode,
		mode: TriggerMode,
		workflow: Workflow = this.workflow,
	): HookContext {
		const webhookData = this.webhookData(mode, workflow);
		const executeMode: WorkflowExecuteMode = mode === 'test' ? 'manual' : 'trigger';
		return new HookContext(
			workflow,
			workflow.getNode(TRIGGER_NODE_NAME)!,
			webhookData.workflowExecuteAdditionalData,
			executeMode,
			mode === 'test' ? 'manual' : activation,
			webhookData,
		);
	}

	private async listen(): Promise<void> {
		await useBinaryMode(this.options.binaryMode ?? 'default');
		const server = http.createServer((req, res) => {
			const id = String(req.headers[CALL_HEADER] ?? '');
			const handled = this.handle(req as ParsedRequest, res).then((call) => {
				this.calls.push(call);
				this.inflight.delete(handled);
				return call;
			});
			this.inflight.add(handled);
			if (id) this.pending.set(id, handled);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
		this.server = server;
		this.port = (server.address() as { port: number }).port;
	}

	/** What n8n's webhook server does with one request for this workflow. */
	private async handle(req: ParsedRequest, res: ServerResponse): Promise<WebhookCall> {
		const call: WebhookCall = {
			status: 0,
			responseText: '',
			response: undefined,
			nodeAnswered: false,
			answeredAt: 0,
			returnedAt: 0,
		};
		res.on('finish', () => {
			call.status = res.statusCode;
			call.answeredAt = Date.now();
		});
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const mode: TriggerMode | undefined =
			url.pathname === `/webhook/${WEBHOOK_ID}/webhook`
				? 'production'
				: url.pathname === `/webhook-test/${WEBHOOK_ID}/webhook`
					? 'test'
					: undefined;
		if (mode === undefined || req.method !== 'POST') {
			await readRaw(req);
			sendJson(res, 404, { code: 404, message: 'The requested webhook is not registered.' });
			return call;
		}

		parseIncomingMessage(req);
		const raw = await readRaw(req);
		req.rawBody = raw;
		req.readRawBody = async () => {};
		req.query = parseQuery(url.search);
		req.params = {};
		try {
			req.body = parseBody(req, raw);
		} catch (error) {
			sendJson(res, 422, {
				code: 422,
				message: 'Failed to parse request body',
				hint: (error as Error).message,
			});
			return call;
		}

		const workflow = this.loadWorkflow();
		const webhookData = this.webhookData(mode, workflow);
		const additionalData = webhookData.workflowExecuteAdditionalData;
		// As in n8n: the execution does not exist yet while the trigger's webhook() runs.
		additionalData.executionId = undefined;
		additionalData.httpRequest = req as never;
		additionalData.httpResponse = res as never;
		const context = new WebhookContext(
			workflow,
			workflow.getNode(TRIGGER_NODE_NAME)!,
			additionalData,
			mode === 'test' ? 'manual' : 'webhook',
			webhookData,
			[],
			null,
		);

		try {
			call.result = await trigger.webhook.call(context);
			// n8n saves changed static data when webhook() has returned, not when it threw.
			this.saveIfChanged(workflow);
		} catch (error) {
			call.error = error as Error;
		}
		call.returnedAt = Date.now();
		call.nodeAnswered = res.writableEnded;

		if (call.error) {
			sendJson(res, 500, {
				code: 0,
				message: 'Workflow Webhook Error: Workflow could not be started!',
			});
			return call;
		}
		const result = call.result!;
		call.started = result.workflowData?.[0];
		if (result.noWebhookResponse === true) {
			// n8n sends nothing more; a node that did not answer leaves the caller waiting.
			if (!res.writableEnded) sendJson(res, 500, { harness: 'the node did not answer' });
			return call;
		}
		if (result.workflowData === undefined) {
			sendJson(res, 200, result.webhookResponse ?? { message: 'Webhook call received' });
		} else {
			sendJson(res, 200, { message: 'Workflow was started' });
		}
		return call;
	}
}
