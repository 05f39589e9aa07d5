// The design `npm run bench:dispatch` measures the dispatcher against: one Agenda job per followup,
// due at the followup's planned time, each calling the same single send the dispatcher calls
// (services.delivery.sendFollowup). Not used by the app: it exists to be compared.
import { Types } from 'mongoose';
import type { Agenda, Job } from 'agenda';
import type { Connection } from 'mongoose';
import type { Services } from '../src/services/index.js';

export const PER_FOLLOWUP_JOB = 'bench.send-followup';

export interface PerFollowupJobData {
  enrollmentId: string;
  step: number;
}

/**
 * Lets Agenda run the per-followup jobs from now on: as many at once as the dispatcher sends at once
 * (`concurrency`), no lock limit (Agenda's default), results counted into `results`.
 */
export function definePerFollowupJob(agenda: Agenda, services: Services, concurrency: number, results: Map<string, number>): void {
  agenda.define<PerFollowupJobData>(
    PER_FOLLOWUP_JOB,
    async (job: Job<PerFollowupJobData>) => {
      const result = await services.delivery.sendFollowup(job.attrs.data.enrollmentId, job.attrs.data.step);
      results.set(result, (results.get(result) ?? 0) + 1);
    },
    { concurrency, removeOnComplete: true },
  );
}

/**
 * One job document per followup, due `at`. What a per-followup design writes when it plans a
 * followup; here written in bulk (the first through Agenda, the rest as copies of its document), so
 * seeding 100,000 does not take longer than the run.
 */
export async function schedulePerFollowupJobs(agenda: Agenda, connection: Connection, followups: readonly PerFollowupJobData[], at: Date): Promise<void> {
  if (!followups.length) return;
  const [first, ...rest] = followups;
  const job = agenda.create<PerFollowupJobData>(PER_FOLLOWUP_JOB, first!);
  job.schedule(at);
  await job.save();
  const jobs = connection.db!.collection('agendaJobs');
  const template = await jobs.findOne({ name: PER_FOLLOWUP_JOB });
  if (!template) throw new Error('the first per-followup job was not saved');
  for (let i = 0; i < rest.length; i += 1000) {
    await jobs.insertMany(rest.slice(i, i + 1000).map((data) => ({ ...template, _id: new Types.ObjectId(), data })));
  }
}
