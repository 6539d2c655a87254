/**
 * Drives the Wappfly Polling Trigger the way n8n's ActiveWorkflowManager does, through n8n-core's
 * own code:
 *
 * - activation: n8n-core's `ActiveWorkflows.add()`. It runs the first poll at once in a
 *   `PollContext` (mode 'trigger'); a poll that throws there fails the activation with n8n's
 *   `WorkflowActivationError`. It then refuses a poll cron whose seconds field contains `*`, and
 *   registers one cron per Poll Times entry with the `ScheduledTaskManager`.
 * - the clock: the ScheduledTaskManager is replaced by one that records each cron's callback
 *   instead of starting a timer. `tick()` calls them, which is exactly what a cron firing does in
 *   n8n: the poll (`TriggersAndPollers.runPoll`), then `__emit` with the items, or `__emitError`
 *   when the poll threw.
 * - the database: n8n saves the workflow's static data after an activation and in `__emit` (when a
 *   poll starts an execution), nowhere else. `savedStaticData` is what the database holds; every
 *   activation (`activate()` after `deactivate()`, or `restart()`) builds a new Workflow from it,
 *   as n8n does. Static data changed by a poll that emitted nothing is lost on a restart, as in n8n.
 * - a manual run (the editor's "Fetch Test Event"): n8n-core's WorkflowExecute in mode 'manual',
 *   which calls `poll()` in a PollContext of mode 'manual'.
 */
import { Container } from '@n8n/di';
import { ActiveWorkflows, PollContext, WorkflowExecute } from 'n8n-core';
import { ScheduledTaskManager } from 'n8n-core/dist/execution-engine/scheduled-task-manager';
import {
	createRunExecutionData,
	Workflow,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type IWorkflowExecuteAdditionalData,
	type WorkflowActivateMode,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { util } from '../support/node';
import { loggedLines } from './fixtures';
import { additionalDataFor, nodeTypes, type WappflyCredentialData } from './n8n';

export const POLLING_TRIGGER_TYPE = 'n8n-nodes-wappfly.wappflyPollingTrigger';
export const POLLING_NODE_NAME = 'Wappfly Polling Trigger';
/** Static data key of the trigger node in the workflow's static data. */
export const POLLING_STATIC_KEY = `node:${POLLING_NODE_NAME}`;

/** Never fires by itself: the tests tick the schedule. n8n refuses `*` in the seconds field. */
export const TEST_POLL_TIMES = { item: [{ mode: 'custom', cronExpression: '0 0 0 1 1 *' }] };

type OnTick = () => unknown;

/** Records the crons n8n-core registers, instead of running timers. */
class RecordingScheduler {
	readonly crons = new Map<string, Array<{ expression: string; onTick: OnTick }>>();

	registerCron(ctx: { workflowId: string; expression: string }, onTick: OnTick): void {
		const list = this.crons.get(ctx.workflowId) ?? [];
		list.push({ expression: ctx.expression, onTick });
		this.crons.set(ctx.workflowId, list);
	}

	deregisterCrons(workflowId: string): void {
		this.crons.delete(workflowId);
	}

	deregisterAllCrons(): void {
		this.crons.clear();
	}
}

let scheduler: RecordingScheduler | undefined;

/** n8n-core's ActiveWorkflows, with the recording scheduler in place of the real one. */
function activeWorkflows(): ActiveWorkflows {
	if (!scheduler) {
		scheduler = new RecordingScheduler();
		Container.set(ScheduledTaskManager, scheduler as unknown as ScheduledTaskManager);
	}
	return Container.get(ActiveWorkflows);
}

type NodeLogger = PollContext['logger'];
const capturedLoggers = new WeakSet<NodeLogger>();

/**
 * A node's `this.logger` is n8n-core's Logger, not n8n-workflow's LoggerProxy: its lines go to
 * `loggedLines` as well, so that tests can read them (and prove the token is not among them).
 */
function captureLogger(logger: NodeLogger): void {
	if (capturedLoggers.has(logger)) return;
	capturedLoggers.add(logger);
	for (const level of ['error', 'warn', 'info', 'debug'] as const) {
		const original = logger[level].bind(logger);
		logger[level] = (message: string, meta?: Parameters<NodeLogger['warn']>[1]) => {
			loggedLines.push(`${level} ${message} ${util.inspect(meta ?? {}, { depth: 10 })}`);
			original(message, meta);
		};
	}
}

let nextWorkflow = 0;

export interface PollHarnessOptions {
	credentials: WappflyCredentialData;
	/** The node's parameters besides Poll Times. */
	parameters?: INodeParameters;
	/** Default TEST_POLL_TIMES. */
	pollTimes?: IDataObject;
	/** The static data the database holds at first. */
	staticData?: IDataObject;
}

export interface ManualRun {
	items: INodeExecutionData[];
	error?: Error & { description?: string | null };
}

export class PollHarness {
	/** Every execution a poll started, in order: the items of each. */
	readonly executions: INodeExecutionData[][] = [];

	/** Every error a scheduled poll reported (n8n turns each into a failed execution). */
	readonly errors: Error[] = [];

	/** The workflow of the current activation (undefined while inactive). */
	workflow?: Workflow;

	/** What n8n's database holds of the workflow's static data. */
	savedStaticData: IDataObject;

	private readonly workflowId = `wf-poll-${++nextWorkflow}`;

	private parameters: INodeParameters;

	constructor(private readonly options: PollHarnessOptions) {
		this.parameters = options.parameters ?? {};
		this.savedStaticData = JSON.parse(JSON.stringify(options.staticData ?? {})) as IDataObject;
	}

	get credentials(): WappflyCredentialData {
		return this.options.credentials;
	}

	/** The trigger node's static data as the database holds it. */
	get savedNodeStaticData(): IDataObject {
		return (this.savedStaticData[POLLING_STATIC_KEY] as IDataObject | undefined) ?? {};
	}

	/** The trigger node's static data in the running "process". */
	get nodeStaticData(): IDataObject {
		return (this.workflow?.staticData[POLLING_STATIC_KEY] as IDataObject | undefined) ?? {};
	}

	/** Every item emitted so far, in order. */
	get emitted(): IDataObject[] {
		return this.executions.flat().map((item) => item.json);
	}

	/** New node parameters (as after saving the workflow); they apply from the next activation. */
	configure(parameters: INodeParameters): void {
		this.parameters = parameters;
	}

	/**
	 * n8n's activation of the workflow (ActiveWorkflowManager.add): a new Workflow from the
	 * database, ActiveWorkflows.add (first poll, crons), then the static data saved. Throws what
	 * n8n would show (WorkflowActivationError, its `cause` the node's error).
	 */
	async activate(activation: WorkflowActivateMode = 'activate'): Promise<void> {
		if (this.workflow) throw new Error('harness: already active');
		const workflow = this.buildWorkflow(this.savedStaticData);
		const additionalData = additionalDataFor(this.options.credentials, workflow);
		const mode: WorkflowExecuteMode = 'trigger';
		this.workflow = workflow;
		let activated = false;
		try {
			await activeWorkflows().add(
				this.workflowId,
				workflow,
				additionalData,
				mode,
				activation,
				() => {
					throw new Error('harness: the workflow has no trigger node');
				},
				(wf, node, data, executeMode, activationMode) =>
					this.pollContext(wf, node, data, executeMode, activationMode),
			);
			activated = true;
		} finally {
			if (!activated) {
				// n8n saves nothing of a failed activation.
				this.workflow = undefined;
				scheduler?.deregisterCrons(this.workflowId);
			}
		}
		this.save(workflow);
	}

	/** One tick of every poll cron of the active workflow, as when the clock reaches a poll time. */
	async tick(): Promise<void> {
		const crons = scheduler?.crons.get(this.workflowId) ?? [];
		if (!this.workflow || crons.length === 0) throw new Error('harness: not active');
		for (const cron of crons) await cron.onTick();
	}

	/** The registered poll crons (n8n's cron expressions). */
	get cronExpressions(): string[] {
		return (scheduler?.crons.get(this.workflowId) ?? []).map((cron) => cron.expression);
	}

	/** Deactivation (or n8n stopping): the crons go, the in-memory workflow with them. */
	async deactivate(): Promise<void> {
		if (!this.workflow) return;
		await activeWorkflows().remove(this.workflowId);
		this.workflow = undefined;
	}

	/** n8n stops and starts again: the workflow is activated anew from the database ('init'). */
	async restart(): Promise<void> {
		await this.deactivate();
		await this.activate('init');
	}

	/** The editor's "Fetch Test Event": a manual execution of the trigger node. */
	async fetchTestEvent(): Promise<ManualRun> {
		const workflow = this.workflow ?? this.buildWorkflow(this.savedStaticData);
		const node = workflow.getNode(POLLING_NODE_NAME)!;
		const additionalData = additionalDataFor(this.options.credentials, workflow);
		captureLogger(new PollContext(workflow, node, additionalData, 'manual', 'manual').logger);
		const execute = new WorkflowExecute(additionalData, 'manual', createRunExecutionData({}));
		const run = await execute.run(workflow, node);
		const task = run.data.resultData.runData[POLLING_NODE_NAME]?.[0];
		return {
			items: task?.data?.main?.[0] ?? [],
			error: (task?.error ?? run.data.resultData.error) as ManualRun['error'],
		};
	}

	/** n8n's WorkflowStaticDataService.saveStaticData: writes only what changed. */
	private save(workflow: Workflow): void {
		const { staticData } = workflow;
		if (staticData.__dataChanged !== true) return;
		this.savedStaticData = JSON.parse(JSON.stringify(staticData)) as IDataObject;
		staticData.__dataChanged = false;
	}

	/** n8n's getExecutePollFunctions: a PollContext whose __emit saves and starts an execution. */
	private pollContext(
		workflow: Workflow,
		node: INode,
		additionalData: IWorkflowExecuteAdditionalData,
		mode: WorkflowExecuteMode,
		activation: WorkflowActivateMode,
	): PollContext {
		const emit = (data: INodeExecutionData[][]) => {
			this.save(workflow);
			this.executions.push(data[0] ?? []);
		};
		const emitError = (error: Error) => {
			this.errors.push(error);
		};
		const context = new PollContext(
			workflow,
			node,
			additionalData,
			mode,
			activation,
			emit,
			emitError,
		);
		captureLogger(context.logger);
		return context;
	}

	private buildWorkflow(staticData: IDataObject): Workflow {
		const node: INode = {
			id: 'wappfly-polling-trigger-node',
			name: POLLING_NODE_NAME,
			type: POLLING_TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: JSON.parse(
				JSON.stringify({
					pollTimes: this.options.pollTimes ?? TEST_POLL_TIMES,
					...this.parameters,
				}),
			) as INodeParameters,
			credentials: { wappflyApi: { id: '1', name: 'Wappfly account' } },
		};
		return new Workflow({
			id: this.workflowId,
			name: 'Wappfly Polling Trigger test',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes,
			staticData: JSON.parse(JSON.stringify(staticData)) as IDataObject,
			settings: { executionOrder: 'v1' },
		});
	}
}
