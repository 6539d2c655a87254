/**
 * Opens the links of a waiting Send and Wait for Response execution the way n8n's waiting-webhook
 * server calls the node: a real HTTP server on 127.0.0.1 receives the GET or POST, parses the
 * query and an urlencoded form body as n8n does, and calls the Wappfly node's `webhook()` in
 * n8n-core's WebhookContext with the waiting execution's data (so that expressions see the
 * node's input items) and Node's request and response objects.
 *
 * What n8n itself does around the node is left out on purpose and tested in a real n8n
 * (test/e2e/send-and-wait.e2e.test.ts): the signature check, the "no action required" page of
 * a finished execution, and resuming the execution with the node's answer.
 */
import { WebhookContext } from 'n8n-core';
import {
	type Workflow,
	type IDataObject,
	type INodeParameters,
	type IRunExecutionData,
	type IWebhookData,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { Wappfly } from '../../nodes/Wappfly/Wappfly.node';
import { http } from '../support/node';
import { additionalDataFor, sourceToWappfly, type WappflyCredentialData } from './n8n';

type IncomingMessage = InstanceType<typeof http.IncomingMessage>;
type Server = ReturnType<typeof http.createServer>;

export interface ResumeCall {
	status: number;
	html: string;
	headers: Record<string, string | string[] | undefined>;
	/** What `webhook()` returned. */
	result?: IWebhookResponseData;
}

/** Query string or form body -> object; a repeated name becomes an array (as n8n parses them). */
function parse(search: string): IDataObject {
	const out: IDataObject = {};
	for (const [key, value] of new URLSearchParams(search)) {
		const existing = out[key];
		if (existing === undefined) out[key] = value;
		else out[key] = Array.isArray(existing) ? [...existing, value] : [existing as string, value];
	}
	return out;
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

export class ResumeHarness {
	private server?: Server;

	private port = 0;

	private workflow?: Workflow;

	private runData?: IRunExecutionData;

	private lastResult?: IWebhookResponseData;

	constructor(private readonly credentials: WappflyCredentialData) {}

	async listen(): Promise<void> {
		this.server = http.createServer((req, res) => {
			void this.handle(req, res).catch((error: Error) => {
				if (!res.writableEnded) {
					res.statusCode = 500;
					res.end(`webhook() threw: ${error.message}`);
				}
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.port = (this.server.address() as { port: number }).port;
	}

	async close(): Promise<void> {
		await new Promise((resolve) => this.server?.close(resolve));
	}

	/** The execution whose links the next calls open: the node's parameters and its waiting run. */
	waitingFor(parameters: INodeParameters, runData: IRunExecutionData): void {
		this.workflow = sourceToWappfly(parameters);
		this.runData = runData;
	}

	/** Opens a link (its path and query are kept, its host is this server's) with GET or POST. */
	async open(link: string, form?: Array<[string, string]>): Promise<ResumeCall> {
		const { pathname, search } = new URL(link);
		this.lastResult = undefined;
		const res = await fetch(`http://127.0.0.1:${this.port}${pathname}${search}`, {
			method: form ? 'POST' : 'GET',
			headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
			body: form ? new URLSearchParams(form).toString() : undefined,
		});
		return {
			status: res.status,
			html: await res.text(),
			headers: Object.fromEntries(res.headers.entries()),
			result: this.lastResult,
		};
	}

	private async handle(req: IncomingMessage, res: InstanceType<typeof http.ServerResponse>) {
		const { workflow, runData } = this;
		if (!workflow || !runData) throw new Error('no waiting execution: call waitingFor() first');
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const request = req as IncomingMessage & { query?: IDataObject; body?: IDataObject };
		request.query = parse(url.search);
		const raw = await readBody(req);
		if (req.headers['content-type'] === 'application/x-www-form-urlencoded') {
			request.body = parse(raw);
		}
		const node = workflow.getNode('Wappfly')!;
		const description = new Wappfly().description.webhooks!.find(
			(w) => w.httpMethod === req.method,
		)!;
		const webhookData = {
			httpMethod: req.method,
			node: node.name,
			path: node.id,
			webhookDescription: description,
			workflowId: 'wf-test',
		} as unknown as IWebhookData;
		const additionalData = additionalDataFor(this.credentials);
		additionalData.httpRequest = request as never;
		additionalData.httpResponse = res as never;
		const context = new WebhookContext(
			workflow,
			node,
			additionalData,
			'webhook',
			webhookData,
			[],
			runData,
		);
		this.lastResult = await new Wappfly().webhook.call(context);
		if (!res.writableEnded) {
			res.statusCode = 500;
			res.end('the node returned without answering');
		}
	}
}
