import { defineMessages } from '../i18n/define.js';

// When the server's disk is full: the person sending a file is not at fault, and nothing was kept.
export const storageMessages = defineMessages(
  'storage',
  {
    full: {
      title: 'Plus de place pour enregistrer',
      body: 'Le serveur n’a plus de place pour enregistrer des fichiers. Votre envoi n’a pas été gardé, même en partie : rien n’est abîmé. Prévenez la personne qui s’occupe de Tremplin, puis réessayez plus tard.',
    },
  },
  {
    full: {
      title: 'No room left to save',
      body: 'The server has no room left to save files. Your upload was not kept, not even in part: nothing is damaged. Tell the person who looks after Tremplin, then try again later.',
    },
  },
);
