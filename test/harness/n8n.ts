/**
 * Runs our nodes through n8n's own execution engine (n8n-core's WorkflowExecute, execution
 * contexts, request helpers and binary-data service), as close to a real n8n as a test
 * process gets without a database: credentials are held in memory by a small
 * ICredentialsHelper that authenticates exactly the way n8n's does (the credential's
 * `authenticate` function, or a declarative one resolved by the real expression engine).
 */
import { Container } from '@n8n/di';
import {
	BinaryDataConfig,
	BinaryDataService,
	ExecuteContext,
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	RoutingNode,
	WorkflowExecute,
} from 'n8n-core';
// What n8n's node loader adds to a node with `polling: true` (its "Poll Times" parameter).
import { commonPollingParameters } from 'n8n-core/dist/nodes-loader/constants';
import {
	ICredentialsHelper,
	Workflow,
	createRunExecutionData,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type ICredentialTestRequest,
	type ICredentials,
	type ICredentialType,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { WappflyApi } from '../../credentials/WappflyApi.credentials';
import { Wappfly } from '../../nodes/Wappfly/Wappfly.node';
import { WappflyPollingTrigger } from '../../nodes/WappflyPollingTrigger/WappflyPollingTrigger.node';
import { WappflyTrigger } from '../../nodes/WappflyTrigger/WappflyTrigger.node';
import { fs, os, path } from '../support/node';

export type BinaryMode = 'default' | 'filesystem';

export interface WappflyCredentialData {
	apiToken: string;
	baseUrl: string;
}

export interface InputBinary {
	data: Buffer;
	fileName?: string;
	mimeType?: string;
}

export interface InputItem {
	json?: IDataObject;
	binary?: Record<string, InputBinary>;
}

const credentialTypes: Record<string, ICredentialType> = { wappflyApi: new WappflyApi() };

/** Emits the test's items, storing their files through n8n's binary-data helpers. */
class SourceNode implements INodeType {
	description = {
		displayName: 'Source',
		name: 'source',
		group: ['input'],
		version: 1,
		description: 'Test input',
		defaults: { name: 'Source' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];

	static pending: InputItem[] = [];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items: INodeExecutionData[] = [];
		for (const [index, item] of SourceNode.pending.entries()) {
			const out: INodeExecutionData = { json: item.json ?? { index }, pairedItem: { item: 0 } };
			if (item.binary) {
				out.binary = {};
				for (const [key, file] of Object.entries(item.binary)) {
					out.binary[key] = await this.helpers.prepareBinaryData(
						file.data,
						file.fileName,
						file.mimeType,
					);
				}
			}
			items.push(out);
		}
		return [items];
	}
}

/** A node type as n8n's loader hands it out (`DirectoryLoader.applySpecialNodeParameters`). */
function asLoaded<T extends INodeType>(nodeType: T): T {
	if (nodeType.description.polling) {
		nodeType.description.properties.unshift(...commonPollingParameters);
	}
	return nodeType;
}

const nodeTypeMap: Record<string, INodeType> = {
	'n8n-nodes-wappfly.wappfly': new Wappfly(),
	'n8n-nodes-wappfly.wappflyTrigger': new WappflyTrigger(),
	'n8n-nodes-wappfly.wappflyPollingTrigger': asLoaded(new WappflyPollingTrigger()),
	'test.source': new SourceNode(),
};

export const nodeTypes: INodeTypes = {
	getByName: (type) => nodeTypeMap[type],
	getByNameAndVersion: (type) => nodeTypeMap[type],
	getKnownTypes: () => ({}),
} as INodeTypes;

class MemoryCredentialsHelper extends ICredentialsHelper {
	/** How many times n8n read (in a real n8n: loaded and decrypted) a credential. */
	reads = 0;

	constructor(private readonly data: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = credentialTypes[typeName];
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate?.type === 'generic') {
			const resolve = (value: string) =>
				String(
					workflow.expression.getSimpleParameterValue(node, value, 'internal', {
						$credentials: credentials,
					}) ?? '',
				);
			for (const [section, entries] of Object.entries(authenticate.properties)) {
				const target = ((requestOptions as unknown as Record<string, IDataObject>)[section] ??= {});
				for (const [key, value] of Object.entries(entries as Record<string, string>)) {
					target[resolve(key)] = resolve(value);
				}
			}
		}
		return requestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	isCredentialUsableByNode() {
		return true;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used by these tests');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: unknown,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		this.reads++;
		return { ...this.data[type] };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(type: string) {
		return credentialTypes[type].properties;
	}
}

let binaryRoot: string | undefined;

/** Switches n8n's binary-data service between memory ('default') and disk ('filesystem'). */
export async function useBinaryMode(mode: BinaryMode): Promise<void> {
	binaryRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), 'wappfly-binary-'));
	const config = Container.get(BinaryDataConfig);
	config.availableModes = ['default', 'filesystem'];
	config.mode = mode;
	config.localStoragePath = binaryRoot;
	await Container.get(BinaryDataService).init();
}

export function additionalDataFor(
	credentials: WappflyCredentialData,
	workflowData?: Workflow,
): IWorkflowExecuteAdditionalData {
	const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', {
		id: workflowData?.id ?? 'wf',
		name: 'test',
		active: false,
		isArchived: false,
		nodes: [],
		connections: {},
		createdAt: new Date(),
		updatedAt: new Date(),
	} as never);
	return {
		credentialsHelper: new MemoryCredentialsHelper({ wappflyApi: { ...credentials } }),
		hooks,
		executionId: 'test-execution',
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		variables: {},
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('not used');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

export interface RunOptions {
	parameters: INodeParameters;
	credentials: WappflyCredentialData;
	items?: InputItem[];
	continueOnFail?: boolean;
	binaryMode?: BinaryMode;
	/** Called when n8n is about to run a node (benchmarks start measuring there). */
	onNodeStart?: (nodeName: string) => void;
	/** Called once the run started, with what n8n's Stop button calls. */
	onRunning?: (stop: () => void) => void;
}

export interface RunResult {
	/** The Wappfly node's output items (main output 0). */
	items: INodeExecutionData[];
	/** The error that stopped the node, when it did. */
	error?: Error & { description?: string | null; httpCode?: string | null; context?: IDataObject };
	run: IRun;
	/** How many times the run read the credential (a database read and a decryption in n8n). */
	credentialReads: number;
}

const WAPPFLY_NODE = 'Wappfly';

export function wappflyNode(parameters: INodeParameters, continueOnFail = false): INode {
	return {
		id: 'wappfly-node',
		name: WAPPFLY_NODE,
		type: 'n8n-nodes-wappfly.wappfly',
		typeVersion: 1,
		position: [200, 0],
		parameters,
		credentials: { wappflyApi: { id: '1', name: 'Wappfly account' } },
		...(continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
}

/** The workflow the tests run: Source -> Wappfly (node "Wappfly", id "wappfly-node"). */
export function sourceToWappfly(parameters: INodeParameters, continueOnFail = false): Workflow {
	const source: INode = {
		id: 'source-node',
		name: 'Source',
		type: 'test.source',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	return new Workflow({
		id: 'wf-test',
		nodes: [source, wappflyNode(parameters, continueOnFail)],
		connections: { Source: { main: [[{ node: WAPPFLY_NODE, type: 'main', index: 0 }]] } },
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});
}

/** Executes Source -> Wappfly with n8n's WorkflowExecute, as a manual run in the editor. */
export async function runWappfly(options: RunOptions): Promise<RunResult> {
	await useBinaryMode(options.binaryMode ?? 'default');
	SourceNode.pending = options.items ?? [{ json: {} }];
	const workflow = sourceToWappfly(options.parameters, options.continueOnFail);
	const source = workflow.getNode('Source')!;
	const mode: WorkflowExecuteMode = 'manual';
	const additionalData = additionalDataFor(options.credentials, workflow);
	const { onNodeStart } = options;
	if (onNodeStart)
		additionalData.hooks?.addHandler('nodeExecuteBefore', (nodeName) => onNodeStart(nodeName));
	const execute = new WorkflowExecute(additionalData, mode, createRunExecutionData({}));
	const running = execute.run(workflow, source);
	options.onRunning?.(() => running.cancel());
	const run = await running;
	const task = run.data.resultData.runData[WAPPFLY_NODE]?.[0];
	return {
		items: task?.data?.main?.[0] ?? [],
		error: (task?.error ?? run.data.resultData.error) as RunResult['error'],
		run,
		credentialReads: (additionalData.credentialsHelper as MemoryCredentialsHelper).reads,
	};
}

/** Runs the Wappfly node's `searchChats` list search through n8n's LoadOptionsContext. */
export async function searchChats(
	credentials: WappflyCredentialData,
	filter?: string,
): Promise<INodeListSearchResult> {
	const node = wappflyNode({ resource: 'chat', operation: 'getHistory' });
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
	});
	const context = new LoadOptionsContext(
		workflow,
		node,
		additionalDataFor(credentials),
		'parameters.chat',
	);
	return await new Wappfly().methods.listSearch.searchChats.call(context, filter);
}

/**
 * Sends the credential's `test` request the way n8n's "Test credential" button does: its
 * expressions resolved by n8n's engine, authenticated by the credential, sent by n8n's helper.
 */
export async function testCredential(
	credentials: WappflyCredentialData,
): Promise<{ status: number; body: unknown }> {
	const node = wappflyNode({ resource: 'session', operation: 'getMe' });
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const { request } = new WappflyApi().test;
	const resolve = (value: string | undefined) =>
		value === undefined
			? undefined
			: String(
					workflow.expression.getSimpleParameterValue(node, value, 'internal', {
						$credentials: credentials as unknown as ICredentialDataDecryptedObject,
					}),
				);
	const context = new LoadOptionsContext(workflow, node, additionalDataFor(credentials), 'test');
	const response = (await context.helpers.httpRequestWithAuthentication.call(
		context,
		'wappflyApi',
		{
			disableFollowRedirect: request.disableFollowRedirect,
			method: request.method ?? 'GET',
			baseURL: resolve(request.baseURL),
			url: resolve(request.url) ?? '',
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		},
	)) as { statusCode: number; body: unknown };
	return { status: response.statusCode, body: response.body };
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

/**
 * The "Test" button of the credential, as n8n's CredentialsTester runs a declarative `test`
 * (n8n 1.123 and 2.40 alike): the request becomes the `routing.request` of a temporary node's
 * only property, and n8n-core's RoutingNode sends it with httpRequestWithAuthentication. Every
 * key of the request reaches the HTTP client, `disableFollowRedirect` included. A thrown HTTP
 * error becomes the matching `responseCode` rule's message, else the status text.
 *
 * The tester finds the status in `error.cause.response`. n8n-workflow 1.x (the dev dependency
 * here, and n8n 1.123's) redeclares `cause` as a class field, which wipes the HTTP client's error:
 * n8n 1.x then shows the error's message. n8n-workflow 2.40 keeps it, so `n8n: 2` reads the same
 * status from the error's `httpCode`, as n8n 2.x gets it from the cause.
 */
export async function testCredentialAsN8n(
	credentials: WappflyCredentialData,
	n8n: 1 | 2 = 1,
): Promise<CredentialTestResult> {
	const { test } = new WappflyApi();
	const { request, rules } = test as ICredentialTestRequest;
	const typeName = 'test.credentialTest';
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: typeName,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { wappflyApi: { id: '1', name: 'Wappfly account' } },
	};
	const nodeType = {
		description: {
			displayName: 'Credential test',
			name: typeName,
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: 'wappflyApi', required: true }],
			properties: [
				{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request }, default: '' },
			],
		},
	} as unknown as INodeType;
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: {
			getByName: () => nodeType,
			getByNameAndVersion: () => nodeType,
			getKnownTypes: () => ({}),
		} as INodeTypes,
	});
	const decrypted: ICredentialsDecrypted = {
		id: '1',
		name: 'Wappfly account',
		type: 'wappflyApi',
		data: { ...credentials } as unknown as ICredentialDataDecryptedObject,
	};
	const context = new ExecuteContext(
		workflow,
		node,
		additionalDataFor(credentials),
		'internal',
		createRunExecutionData({}),
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);
	try {
		await new RoutingNode(context, nodeType, decrypted).runNode();
	} catch (error) {
		const { cause, httpCode } = error as {
			cause?: { code?: string; response?: { status: number; statusText: string } };
			httpCode?: string | null;
		};
		const response =
			cause?.response ??
			(n8n === 2 && httpCode ? { status: Number(httpCode), statusText: '' } : undefined);
		if (response) {
			const { status, statusText } = response;
			const rule = rules?.find(
				(candidate) => candidate.type === 'responseCode' && candidate.properties.value === status,
			);
			if (rule) return { status: 'Error', message: rule.properties.message };
			if (status < 199 || status > 299) {
				return { status: 'Error', message: statusText || `Received HTTP status code: ${status}` };
			}
		} else if (cause?.code) {
			return { status: 'Error', message: cause.code };
		}
		return { status: 'Error', message: String((error as Error).message) };
	}
	return { status: 'OK', message: 'Connection successful!' };
}
