// Entry point of `cdk synth` / `cdk deploy` (see cdk.json "app").
import { buildApp } from '../app.ts';

buildApp();
