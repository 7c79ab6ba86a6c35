// Members: invite (the link is shown once), list, change role, deactivate or reactivate (spec §3b).
import { useState } from 'react';
import { formatDateTime } from '../format/format-date-time';
import { type MemberRole, platformRoute, roleAtLeast } from '../session/session';
import { usePlatform, useSession } from '../session/session-context';
import { useCan } from '../session/use-can';
import { ActionFeedback } from '../ui/action-feedback';
import { ActionForm } from '../ui/action-form';
import { Badge } from '../ui/badge';
import { Card } from '../ui/card';
import { ConfirmButton } from '../ui/confirm-button';
import { PageHeader } from '../ui/page-header';
import { PagedView } from '../ui/paged-view';
import { RawKeyBox } from '../ui/raw-key-box';
import { Select, SelectField } from '../ui/select-field';
import { SubmitButton } from '../ui/submit-button';
import { TextField } from '../ui/text-field';
import { useAction } from '../ui/use-action';
import { useDraft } from '../ui/use-draft';
import { useResource } from '../ui/use-resource';
import { type Member, roleOptions } from './member';

const statusTone = { active: 'green', invited: 'blue', inactive: 'grey' } as const;

export function MembersPage() {
  const { api } = usePlatform();
  const can = useCan();
  const mayInvite = can('POST', `${platformRoute}/members`);
  const manage = can('PATCH', `${platformRoute}/members/:memberId`);
  // A member grants, changes or removes no role above its own (an admin makes no owners); a key has no such limit.
  const { session } = useSession();
  const reaches = (target: MemberRole) => !session.member || roleAtLeast(session.member.role, target);
  const grantable = roleOptions.filter((option) => reaches(option.value));
  const mayRemove = can('DELETE', `${platformRoute}/members/:memberId`);
  const [page, setPage] = useState(1);
  const [inviteUrl, setInviteUrl] = useState<string | null>(null);
  const [role, setRole] = useState<MemberRole>('viewer');
  const draft = useDraft({ email: '' });
  const invite = useAction();
  const change = useAction();
  const members = useResource(() => api.list('/members', { query: { page, limit: 20 } }), [api, page]);

  const onInvite = async (): Promise<string> => {
    const created = await api.post('/members', { body: { email: draft.values.email.trim(), role } });
    setInviteUrl(created.invite_url);
    draft.reset();
    members.reload();
    return `Invited ${created.member.email} as ${created.member.role}.`;
  };
  const update = (member: Member, body: { role?: MemberRole; is_active?: boolean }): void => {
    void change.run(async () => {
      await api.patch('/members/{memberId}', { path: { memberId: member.id }, body });
      members.reload();
      return `Updated ${member.email}.`;
    });
  };

  const remove = (member: Member): void => {
    void change.run(async () => {
      await api.delete('/members/{memberId}', { path: { memberId: member.id } });
      members.reload();
      return `Removed ${member.email}: their sessions have ended.`;
    });
  };

  return (
    <>
      <PageHeader title="Members" description="People who sign in to this dashboard with their email, each with a role." />
      <div className="stack">
        {mayInvite ? (
          <Card title="Invite a member" description="They get a one-time link (valid 7 days) to set a password.">
            {inviteUrl ? (
              <RawKeyBox rawKey={inviteUrl} title="Invite link — shown once, send it to them" onDismiss={() => setInviteUrl(null)} />
            ) : null}
            <ActionForm
              action={invite}
              onSubmit={onInvite}
              className="form-grid form-grid-3"
              testId="member-invite-form"
              actions={<SubmitButton pending={invite.pending} label="Invite" pendingLabel="Inviting…" testId="member-invite-submit" />}
            >
              <TextField label="Email" {...draft.bind('email')} placeholder="teammate@example.com" required testId="member-invite-email" />
              <SelectField label="Role" value={role} onChange={setRole} options={grantable} testId="member-invite-role" />
            </ActionForm>
            <ActionFeedback action={invite} testId="member-invite" />
          </Card>
        ) : null}
        <Card title="Members" flush>
          <ActionFeedback action={change} testId="member-change" />
          <PagedView resource={members} onPage={setPage} testId="members">
            {(rows) => (
              <table className="table" data-testid="members-table">
                <thead>
                  <tr>
                    <th>Email</th>
                    <th>Name</th>
                    <th>Role</th>
                    <th>Status</th>
                    <th>Invited</th>
                    {manage ? <th /> : null}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((m) => (
                    <tr key={m.id} data-testid={`member-row-${m.email}`}>
                      <td className="strong">{m.email}</td>
                      <td>{m.display_name ?? <span className="muted">—</span>}</td>
                      <td>
                        {manage && reaches(m.role) ? (
                          <Select
                            small
                            ariaLabel={`Role of ${m.email}`}
                            value={m.role}
                            onChange={(next) => update(m, { role: next })}
                            options={grantable}
                            testId={`member-role-${m.email}`}
                          />
                        ) : (
                          m.role
                        )}
                      </td>
                      <td>
                        <Badge tone={statusTone[m.status]}>{m.status}</Badge>
                      </td>
                      <td className="nowrap">{formatDateTime(m.created_at)}</td>
                      {manage ? (
                        <td>
                          {reaches(m.role) ? (
                            <span className="row-actions">
                              <button
                                type="button"
                                className="button button-small"
                                onClick={() => update(m, { is_active: !m.is_active })}
                                data-testid={`member-toggle-${m.email}`}
                              >
                                {m.is_active ? 'Deactivate' : 'Reactivate'}
                              </button>
                              {mayRemove ? (
                                <ConfirmButton
                                  label="Remove"
                                  confirmLabel="Confirm remove"
                                  onConfirm={() => remove(m)}
                                  disabled={change.pending}
                                  testId={`member-remove-${m.email}`}
                                />
                              ) : null}
                            </span>
                          ) : null}
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </PagedView>
        </Card>
      </div>
    </>
  );
}
