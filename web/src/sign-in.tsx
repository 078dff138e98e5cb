/** Sign-in: the development tokens the gateway offers, or a pasted token (production). */
import { useState, type FormEvent } from 'react';
import { developmentTokens, roleOf, type Session } from './session';

export function SignIn(props: { readonly onSignIn: (session: Session) => void }) {
  const offered = developmentTokens();
  const [pasted, setPasted] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const token = pasted.trim().replace(/^Bearer\s+/i, '');
    if (token) props.onSignIn({ token, label: 'Token', role: roleOf(token) });
  };
  return (
    <main className="sign-in">
      <h1>Stock Insight</h1>
      <p>One list over two databases: recent rows from the hot store, archived ones from the cold store.</p>
      {offered.length > 0 && (
        <>
          <h2>Development sign-in</h2>
          <ul>
            {offered.map((choice) => (
              <li key={choice.label}>
                <button
                  type="button"
                  data-testid="sign-in-as"
                  onClick={() => props.onSignIn({ ...choice, role: roleOf(choice.token) })}
                >
                  {choice.label}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <form onSubmit={submit}>
        <label>
          Bearer token
          <input data-testid="token" value={pasted} onChange={(event) => setPasted(event.target.value)} />
        </label>
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
