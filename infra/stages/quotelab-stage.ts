import { Stage, Tags } from 'aws-cdk-lib';
import type { StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config.ts';
import { LakeStack } from '../stacks/lake-stack.ts';
import { ResearchStack } from '../stacks/research-stack.ts';
import { StateStack } from '../stacks/state-stack.ts';

export interface QuotelabStageProps extends StageProps {
  config: EnvironmentConfig;
}

/** One deployable environment (Dev, Prod): the same stacks, configured from cdk.json. */
export class QuotelabStage extends Stage {
  readonly lake: LakeStack;
  readonly state: StateStack;
  readonly research: ResearchStack;

  constructor(scope: Construct, id: string, props: QuotelabStageProps) {
    super(scope, id, props);
    const { config } = props;
    this.state = new StateStack(this, 'State', {
      config,
      description: `quotelab ${config.id}: platform state and operations topic`,
    });
    this.lake = new LakeStack(this, 'Lake', {
      config,
      stateTable: this.state.stateTable,
      opsTopic: this.state.opsTopic,
      description: `quotelab ${config.id}: data lake and ETL`,
    });
    this.research = new ResearchStack(this, 'Research', {
      config,
      stateTable: this.state.stateTable,
      ingestLedger: this.lake.ingestLedger,
      glueDatabaseName: this.lake.glueDatabaseName,
      workGroupName: this.lake.workGroupName,
      description: `quotelab ${config.id}: tuning studies (Step Functions, Lambda, Batch on Fargate)`,
    });
    Tags.of(this).add('project', 'quotelab');
    Tags.of(this).add('environment', config.id);
  }
}
