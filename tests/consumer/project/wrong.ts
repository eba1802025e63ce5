// Must NOT compile: the declarations are real types, not any.
import { connect, createSecureContext } from 'dtls13';

connect('localhost', '4433');
createSecureContext({ passphrase: 42 });
