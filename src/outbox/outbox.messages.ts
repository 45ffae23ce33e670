import { defineMessages } from '../i18n/define.js';

// SMS texts stay within two SMS (a test renders each with long values): no ê, â, î, ô, ç nor œ in them,
// which would switch the whole message to UCS-2 (70 characters a message instead of 160).
export const outboxMessages = defineMessages(
  'outbox',
  {
    sms: {
      signInCode: 'Tremplin : ton code est {{code}}. Choisis ton mot de passe sur {{link}} avant le {{until}}. Ne plus recevoir de SMS : {{stop}}',
      followUpAnswer: 'Tremplin : bonjour {{name}}, où en es-tu ? Réponds en 1 minute sur {{link}} avant le {{until}}. Ne plus recevoir de SMS : {{stop}}',
      parentConsent: 'Tremplin : pour le séjour de {{name}}, merci de donner votre accord (photos, sortie du territoire) avant le {{until}} sur {{link}} Ne plus recevoir de SMS : {{stop}}',
    },
    email: {
      signInCode: {
        subject: 'Votre code Tremplin',
        text: 'Bonjour {{name}},\n\nVotre code pour ouvrir votre compte Tremplin : {{code}}\nChoisissez votre mot de passe ici avant le {{until}} : {{link}}\n\nL’équipe Tremplin',
      },
      followUpAnswer: {
        subject: 'Où en es-tu ? (Tremplin)',
        text: 'Bonjour {{name}},\n\nOù en es-tu depuis le retour ? Réponds en une minute ici avant le {{until}} : {{link}}\n\nL’équipe Tremplin',
      },
      incidentAlert: {
        subject: 'Incident {{severity}} — {{group}}',
        text: 'Bonjour {{name}},\n\nUn incident {{severity}} vient d’être noté pendant le séjour du groupe {{group}}. Lisez-le et indiquez que vous l’avez lu : {{link}}\n\nL’équipe Tremplin',
      },
      parentConsent: {
        subject: 'Le séjour de {{name}} : votre accord',
        text: 'Bonjour,\n\n{{name}} part avec son groupe. Avant le {{until}}, dites-nous si on peut montrer ses photos et vidéos, et lisez ce qu’il faut pour sortir du territoire :\n{{link}}\n\nCe lien ne sert qu’une fois.\n\nL’équipe Tremplin',
      },
    },
    admin: {
      title: 'Messages envoyés',
      intro: 'Les SMS et e-mails de la structure, du plus récent au plus ancien. Sans fournisseur configuré, ils sont gardés ici sans partir.',
      transport: 'Transport : SMS {{sms}}, e-mail {{email}}.',
      empty: 'Aucun message.',
      columns: { created: 'Créé', channel: 'Canal', to: 'À', status: 'État', attempts: 'Essais', text: 'Texte', error: 'Dernière erreur' },
      nextTry: 'prochain essai {{when}}',
    },
    statuses: { queued: 'en attente', sending: 'en cours', sent: 'envoyé', delivered: 'reçu', failed: 'échec', cancelled: 'annulé' },
    channels: { sms: 'SMS', email: 'e-mail' },
    optedOut: 'ne reçoit plus de SMS',
    optedOutSince: 'Ne reçoit plus de SMS depuis le {{date}} ({{how}}).',
    optOutSources: { stop_reply: 'réponse STOP', link: 'lien dans un SMS' },
    sendCode: {
      button: 'Envoyer le code par SMS',
      help: 'Au {{phone}}. Un nouveau code remplace le précédent.',
      noPhone: 'Pas de numéro de portable valide sur sa fiche : donnez-lui la feuille.',
      queued: 'Le code partira par SMS au {{phone}}.',
      queuedQuiet: 'Le code partira par SMS au {{phone}} à 8 h (pas de SMS entre 20 h et 8 h).',
    },
    stop: {
      title: 'Ne plus recevoir de SMS',
      question: 'Ne plus recevoir de SMS de Tremplin au {{phone}} ?',
      confirm: 'Oui, arrêter les SMS',
      done: 'C’est fait : plus aucun SMS de Tremplin à ce numéro.',
      unknown: 'Ce lien ne marche pas.',
    },
    errors: {
      optedOut: 'Ce numéro ne reçoit plus de SMS (il a répondu STOP).',
      noPhone: 'Pas de numéro de portable valide sur la fiche.',
    },
  },
  {
    sms: {
      signInCode: 'Tremplin: your code is {{code}}. Choose your password at {{link}} before {{until}}. Stop these texts: {{stop}}',
      followUpAnswer: 'Tremplin: hello {{name}}, how are things? Answer in 1 minute at {{link}} before {{until}}. Stop these texts: {{stop}}',
      parentConsent: 'Tremplin: for the trip of {{name}}, please give your consent (photos, leaving the country) before {{until}} at {{link}} Stop these texts: {{stop}}',
    },
    email: {
      signInCode: {
        subject: 'Your Tremplin code',
        text: 'Hello {{name}},\n\nYour code to open your Tremplin account: {{code}}\nChoose your password here before {{until}}: {{link}}\n\nThe Tremplin team',
      },
      followUpAnswer: {
        subject: 'How are things? (Tremplin)',
        text: 'Hello {{name}},\n\nHow are things since you came back? Answer in one minute here before {{until}}: {{link}}\n\nThe Tremplin team',
      },
      incidentAlert: {
        subject: '{{severity}} incident — {{group}}',
        text: 'Hello {{name}},\n\nA {{severity}} incident was just logged during the stay of the group {{group}}. Read it and say you have read it: {{link}}\n\nThe Tremplin team',
      },
      parentConsent: {
        subject: '{{name}}’s trip: your consent',
        text: 'Hello,\n\n{{name}} is going abroad with their group. Before {{until}}, tell us whether their photos and videos may be shown, and read what leaving the country requires:\n{{link}}\n\nThis link works once.\n\nThe Tremplin team',
      },
    },
    admin: {
      title: 'Messages sent',
      intro: 'The structure’s texts and e-mails, newest first. With no provider configured they are kept here and not sent.',
      transport: 'Transport: SMS {{sms}}, e-mail {{email}}.',
      empty: 'No message.',
      columns: { created: 'Created', channel: 'Channel', to: 'To', status: 'Status', attempts: 'Attempts', text: 'Text', error: 'Last error' },
      nextTry: 'next try {{when}}',
    },
    statuses: { queued: 'queued', sending: 'sending', sent: 'sent', delivered: 'delivered', failed: 'failed', cancelled: 'cancelled' },
    channels: { sms: 'SMS', email: 'e-mail' },
    optedOut: 'no longer receives texts',
    optedOutSince: 'No longer receives texts since {{date}} ({{how}}).',
    optOutSources: { stop_reply: 'answered STOP', link: 'link in a text' },
    sendCode: {
      button: 'Send the code by text',
      help: 'To {{phone}}. A new code replaces the previous one.',
      noPhone: 'No valid mobile number on their file: give them the sheet.',
      queued: 'The code will be texted to {{phone}}.',
      queuedQuiet: 'The code will be texted to {{phone}} at 8 am (no texts between 8 pm and 8 am).',
    },
    stop: {
      title: 'Stop receiving texts',
      question: 'Stop receiving texts from Tremplin at {{phone}}?',
      confirm: 'Yes, stop the texts',
      done: 'Done: no more texts from Tremplin to this number.',
      unknown: 'This link does not work.',
    },
    errors: {
      optedOut: 'This number no longer receives texts (it answered STOP).',
      noPhone: 'No valid mobile number on the file.',
    },
  },
);
