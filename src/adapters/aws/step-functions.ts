/**
 * Starting and watching Step Functions executions (the CLI's `--target aws` for workflows).
 */
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { awsClientSettings } from './aws-config.ts';

export type ExecutionStatus =
  'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export interface ExecutionState {
  status: ExecutionStatus;
  output?: unknown;
  error?: string;
  cause?: string;
}

export class StepFunctionsExecutions {
  private readonly client: SFNClient;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    const settings = awsClientSettings(env);
    this.client = new SFNClient({ region: settings.region, endpoint: settings.endpoint });
  }

  async start(stateMachineArn: string, input: unknown, name?: string): Promise<string> {
    const response = await this.client.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name }),
    );
    return response.executionArn!;
  }

  async describe(executionArn: string): Promise<ExecutionState> {
    const response = await this.client.send(new DescribeExecutionCommand({ executionArn }));
    return {
      status: response.status as ExecutionStatus,
      output: response.output ? (JSON.parse(response.output) as unknown) : undefined,
      error: response.error,
      cause: response.cause,
    };
  }
}
