import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextField } from '@/components/ui/field';
import { ApiError } from '@/lib/api-client';
import { useDeleteAccount } from '../api/delete-account';
import { useExportData } from '../api/export-data';

export const WRONG_PASSWORD = 'That password is not correct.';

function deleteErrors(error: unknown): { password?: string; form?: string } {
  if (!error) return {};
  if (error instanceof ApiError) {
    if (error.status === 403) return { password: WRONG_PASSWORD };
    const password = error.fieldError('password');
    if (password) return { password };
    return { form: error.message };
  }
  return { form: 'Could not delete your account. Please try again.' };
}

function DeleteAccountDialog({ onClose }: { onClose: () => void }) {
  const remove = useDeleteAccount();
  const [password, setPassword] = useState('');
  const [clientError, setClientError] = useState<string | null>(null);
  const server = deleteErrors(remove.error);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!password) {
      setClientError('Enter your password to confirm.');
      return;
    }
    setClientError(null);
    remove.mutate({ password });
  };

  return (
    <Dialog title="Delete your account?" onClose={onClose} className="dialog-form">
      <form onSubmit={onSubmit} noValidate>
        <p className="dialog-text">
          Your profile, photos, matches and messages will be deleted for good. This cannot be undone.
          Download your data first if you want a copy.
        </p>
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          error={clientError ?? server.password}
          onChange={(event) => {
            setPassword(event.target.value);
            if (clientError) setClientError(null);
          }}
        />
        {server.form && <Alert>{server.form}</Alert>}
        <div className="dialog-actions dialog-actions-row">
          <Button variant="secondary" onClick={onClose} disabled={remove.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" pending={remove.isPending}>
            Delete account
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** "Your account" on the profile page: take your data with you, or leave. */
export function AccountSection() {
  const exportData = useExportData();
  const [deleting, setDeleting] = useState(false);

  return (
    <section className="card account-section" aria-labelledby="account-heading">
      <h2 id="account-heading">Your account</h2>
      <div className="account-row">
        <div>
          <h3 className="account-row-title">Your data</h3>
          <p className="muted">A ZIP file with your profile, swipes, matches, messages and photos.</p>
        </div>
        <Button variant="secondary" pending={exportData.isPending} onClick={() => exportData.mutate()}>
          Download my data
        </Button>
      </div>
      {exportData.isError && (
        <Alert>
          {exportData.error instanceof ApiError
            ? exportData.error.message
            : 'Could not prepare your data. Please try again.'}
        </Alert>
      )}
      {exportData.isSuccess && <Alert tone="success">Your data was downloaded as friender-export.zip.</Alert>}
      <div className="account-row">
        <div>
          <h3 className="account-row-title">Delete account</h3>
          <p className="muted">Removes everything, for good.</p>
        </div>
        <Button variant="danger" onClick={() => setDeleting(true)}>
          Delete account
        </Button>
      </div>
      {deleting && <DeleteAccountDialog onClose={() => setDeleting(false)} />}
    </section>
  );
}
