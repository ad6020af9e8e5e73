import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config.ts';
import { keyValueTable } from '../constructs/key-value-table.ts';
import { OpsTopic } from '../constructs/ops-topic.ts';
import { PLATFORM_ENV } from '../../src/core/runtime-contract/index.ts';

export interface StateStackProps extends StackProps {
  config: EnvironmentConfig;
}

/**
 * What every other stack shares: the single-table platform state (studies and trials, model registry
 * entries, flags such as "ML off", commit locks; item keys are documented next to the code that writes
 * them) and the operations topic all alarms notify.
 */
export class StateStack extends Stack {
  readonly stateTable: Table;
  readonly opsTopic: Topic;

  constructor(scope: Construct, id: string, props: StateStackProps) {
    super(scope, id, props);
    this.stateTable = keyValueTable(this, 'State', props.config);
    this.opsTopic = new OpsTopic(this, 'Ops', { retainData: props.config.retainData }).topic;
    new CfnOutput(this, PLATFORM_ENV.stateTable.output.name, { value: this.stateTable.tableName });
    new CfnOutput(this, 'OpsTopicArn', { value: this.opsTopic.topicArn });
  }
}
