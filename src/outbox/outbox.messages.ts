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
      meetingReminder: 'Tremplin : {{name}}, rappel de la séance de groupe demain {{date}} à {{time}}. Le lieu et le détail : {{link}} Ne plus recevoir de SMS : {{stop}}',
      papersDue: 'Tremplin : {{name}}, papiers à rendre avant le {{until}} pour ton séjour : {{count}}. Dépose-les sur {{link}} Ne plus recevoir de SMS : {{stop}}',
      papersOverdue: 'Tremplin : {{name}}, papiers en retard pour ton séjour : {{count}}. Dépose-les vite sur {{link}} Ne plus recevoir de SMS : {{stop}}',
      beforeVideo: 'Tremplin : {{name}}, départ le {{until}} ! Filme ta vidéo "avant" le séjour et dépose-la sur {{link}} Ne plus recevoir de SMS : {{stop}}',
      afterVideo: 'Tremplin : bon retour {{name}} ! Filme ta vidéo "après" le séjour et dépose-la sur {{link}} Ne plus recevoir de SMS : {{stop}}',
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
      incidentRaised: {
        subject: 'Incident corrigé, maintenant {{severity}} — {{group}}',
        text: 'Bonjour {{name}},\n\nUn incident noté pendant le séjour du groupe {{group}} vient d’être corrigé : il est maintenant {{severity}}. Lisez-le et indiquez que vous l’avez lu : {{link}}\n\nL’équipe Tremplin',
      },
      parentConsent: {
        subject: 'Le séjour de {{name}} : votre accord',
        text: 'Bonjour,\n\n{{name}} part avec son groupe. Avant le {{until}}, dites-nous si on peut montrer ses photos et vidéos, et lisez ce qu’il faut pour sortir du territoire :\n{{link}}\n\nCe lien ne sert qu’une fois.\n\nL’équipe Tremplin',
      },
      meetingReminder: {
        subject: 'Séance de groupe demain, {{date}} à {{time}}',
        text: 'Bonjour {{name}},\n\nRappel : ta séance de groupe a lieu demain, {{date}} à {{time}}{{place}}.\nLe détail : {{link}}\n\nL’équipe Tremplin',
      },
      papersDue: {
        subject: 'Papiers à rendre avant le {{until}}',
        text: 'Bonjour {{name}},\n\nPour ton séjour, il te reste des papiers à rendre avant le {{until}} : {{count}}.\nDépose-les ici : {{link}}\n\nL’équipe Tremplin',
      },
      papersOverdue: {
        subject: 'Papiers en retard pour ton séjour',
        text: 'Bonjour {{name}},\n\nDes papiers pour ton séjour sont en retard : {{count}}.\nDépose-les vite ici, ou parles-en à la personne qui suit ton groupe : {{link}}\n\nL’équipe Tremplin',
      },
      beforeVideo: {
        subject: 'Ta vidéo « avant » le séjour',
        text: 'Bonjour {{name}},\n\nTu pars le {{until}} ! Filme ta vidéo « avant » le séjour et dépose-la ici : {{link}}\n\nL’équipe Tremplin',
      },
      afterVideo: {
        subject: 'Ta vidéo « après » le séjour',
        text: 'Bonjour {{name}},\n\nBon retour ! Filme ta vidéo « après » le séjour et dépose-la ici : {{link}}\n\nL’équipe Tremplin',
      },
      morningEmail: {
        subject: 'À faire aujourd’hui, {{date}} (Tremplin)',
        text: 'Bonjour {{name}},\n\nCe qui vous attend aujourd’hui :\n\n{{items}}\n\nTout est sur votre page d’accueil : {{link}}\n\nVous recevez cet e-mail chaque matin parce que vous l’avez demandé. Pour l’arrêter : {{settings}}\n\nL’équipe Tremplin',
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
    kinds: {
      signInCode: 'code de connexion', followUpAnswer: 'lien du suivi', incidentAlert: 'alerte incident', incidentRaised: 'incident corrigé, plus grave', parentConsent: 'accord des parents',
      meetingReminder: 'rappel de séance', papersDue: 'papiers à rendre dans 7 jours', papersOverdue: 'papiers en retard',
      beforeVideo: 'vidéo « avant »', afterVideo: 'vidéo « après »', morningEmail: 'e-mail du matin',
    },
    privateText: 'Texte réservé à son destinataire (il nomme des jeunes).',
    sentToYouth: {
      title: 'Messages envoyés',
      empty: 'Aucun message envoyé à ce jeune.',
      line: '{{kind}} · {{channel}} · {{when}}',
    },
    morning: {
      incidents: 'Incidents graves à lire',
      flagged: 'Jeunes absents deux fois de suite',
      registers: 'Registres à remplir',
      approval: 'Départs en attente d’un accord',
      followups: 'Suivis à faire',
      documents: 'Papiers attendus aujourd’hui ou en retard',
      today: 'Séances du jour',
      incident: '{{group}} : incident {{severity}} du {{date}}',
      youth: '{{name}} ({{group}})',
      paper: '{{name}} ({{group}}) : {{paper}}, le {{date}}',
      followUp: '{{name}} ({{group}}) : suivi à {{months}} mois, le {{date}}',
      meeting: '{{group}} : {{date}} à {{time}}',
      group: '{{group}}, départ le {{date}}',
      more: '… et {{count}} de plus',
    },
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
      meetingReminder: 'Tremplin: {{name}}, your group session is tomorrow {{date}} at {{time}}. Place and details: {{link}} Stop these texts: {{stop}}',
      papersDue: 'Tremplin: {{name}}, papers to hand in before {{until}} for your trip: {{count}}. Upload them at {{link}} Stop these texts: {{stop}}',
      papersOverdue: 'Tremplin: {{name}}, papers late for your trip: {{count}}. Upload them soon at {{link}} Stop these texts: {{stop}}',
      beforeVideo: 'Tremplin: {{name}}, you leave on {{until}}! Film your "before" video and upload it at {{link}} Stop these texts: {{stop}}',
      afterVideo: 'Tremplin: welcome back {{name}}! Film your "after" video and upload it at {{link}} Stop these texts: {{stop}}',
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
      incidentRaised: {
        subject: 'Incident corrected, now {{severity}} — {{group}}',
        text: 'Hello {{name}},\n\nAn incident logged during the stay of the group {{group}} was just corrected: it is now {{severity}}. Read it and say you have read it: {{link}}\n\nThe Tremplin team',
      },
      parentConsent: {
        subject: '{{name}}’s trip: your consent',
        text: 'Hello,\n\n{{name}} is going abroad with their group. Before {{until}}, tell us whether their photos and videos may be shown, and read what leaving the country requires:\n{{link}}\n\nThis link works once.\n\nThe Tremplin team',
      },
      meetingReminder: {
        subject: 'Group session tomorrow, {{date}} at {{time}}',
        text: 'Hello {{name}},\n\nA reminder: your group session is tomorrow, {{date}} at {{time}}{{place}}.\nDetails: {{link}}\n\nThe Tremplin team',
      },
      papersDue: {
        subject: 'Papers to hand in before {{until}}',
        text: 'Hello {{name}},\n\nFor your trip, you still have papers to hand in before {{until}}: {{count}}.\nUpload them here: {{link}}\n\nThe Tremplin team',
      },
      papersOverdue: {
        subject: 'Papers late for your trip',
        text: 'Hello {{name}},\n\nSome papers for your trip are late: {{count}}.\nUpload them soon here, or talk to the person who runs your group: {{link}}\n\nThe Tremplin team',
      },
      beforeVideo: {
        subject: 'Your “before” video',
        text: 'Hello {{name}},\n\nYou leave on {{until}}! Film your “before” video and upload it here: {{link}}\n\nThe Tremplin team',
      },
      afterVideo: {
        subject: 'Your “after” video',
        text: 'Hello {{name}},\n\nWelcome back! Film your “after” video and upload it here: {{link}}\n\nThe Tremplin team',
      },
      morningEmail: {
        subject: 'Due today, {{date}} (Tremplin)',
        text: 'Hello {{name}},\n\nWhat is waiting for you today:\n\n{{items}}\n\nEverything is on your home page: {{link}}\n\nYou get this e-mail every morning because you asked for it. To stop it: {{settings}}\n\nThe Tremplin team',
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
    kinds: {
      signInCode: 'sign-in code', followUpAnswer: 'follow-up link', incidentAlert: 'incident alert', incidentRaised: 'incident corrected, more serious', parentConsent: 'parents’ consent',
      meetingReminder: 'session reminder', papersDue: 'papers due in 7 days', papersOverdue: 'papers late',
      beforeVideo: '“before” video', afterVideo: '“after” video', morningEmail: 'morning e-mail',
    },
    privateText: 'Text for its recipient only (it names youths).',
    sentToYouth: {
      title: 'Messages sent',
      empty: 'No message sent to this youth.',
      line: '{{kind}} · {{channel}} · {{when}}',
    },
    morning: {
      incidents: 'Serious incidents to read',
      flagged: 'Youths absent twice in a row',
      registers: 'Registers to take',
      approval: 'Departures waiting for a yes',
      followups: 'Follow-ups to do',
      documents: 'Papers due today or late',
      today: 'Today’s sessions',
      incident: '{{group}}: {{severity}} incident of {{date}}',
      youth: '{{name}} ({{group}})',
      paper: '{{name}} ({{group}}): {{paper}}, on {{date}}',
      followUp: '{{name}} ({{group}}): {{months}}-month follow-up, on {{date}}',
      meeting: '{{group}}: {{date}} at {{time}}',
      group: '{{group}}, leaving on {{date}}',
      more: '… and {{count}} more',
    },
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
