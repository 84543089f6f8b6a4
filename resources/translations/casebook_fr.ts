<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name></name>
    <message>
        <source>just now</source>
        <translation>à l&apos;instant</translation>
    </message>
    <message>
        <source>{0} min ago</source>
        <translation>il y a {0} min</translation>
    </message>
    <message>
        <source>{0} h ago</source>
        <translation>il y a {0} h</translation>
    </message>
    <message>
        <source>yesterday</source>
        <translation>hier</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>Auteur</translation>
    </message>
    <message>
        <source>Activity</source>
        <translation>Activité</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Étiquettes</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>Cas</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Résolus</translation>
    </message>
    <message>
        <source>Replies</source>
        <translation>Réponses</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
    <message>
        <source>About Casebook</source>
        <translation>À propos de Casebook</translation>
    </message>
    <message>
        <source>New network…</source>
        <translation>Nouveau réseau…</translation>
    </message>
    <message>
        <source>Join network…</source>
        <translation>Rejoindre un réseau…</translation>
    </message>
    <message>
        <source>New case…</source>
        <translation>Nouveau cas…</translation>
    </message>
    <message>
        <source>People…</source>
        <translation>Personnes…</translation>
    </message>
    <message>
        <source>Moderation inbox…</source>
        <translation>Boîte de modération…</translation>
    </message>
    <message>
        <source>Flagged cases and comments, and what moderators did (moderators, admins)</source>
        <translation>Cas et commentaires signalés, et ce qu&apos;ont fait les modérateurs (modérateurs, administrateurs)</translation>
    </message>
    <message>
        <source>Bundle files…</source>
        <translation>Fichiers d&apos;échange…</translation>
    </message>
    <message>
        <source>Export or import a network&apos;s events as a file</source>
        <translation>Exporter ou importer les événements d&apos;un réseau sous forme de fichier</translation>
    </message>
    <message>
        <source>Export for teaching…</source>
        <translation>Exporter pour l&apos;enseignement…</translation>
    </message>
    <message>
        <source>The case shown, as a PDF for teaching (when its consent covers teaching)</source>
        <translation>Le cas affiché, en PDF pour l&apos;enseignement (si son consentement couvre l&apos;enseignement)</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Paramètres…</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>Verrouiller</translation>
    </message>
    <message>
        <source>Lock the library (Ctrl+L)</source>
        <translation>Verrouiller la bibliothèque (Ctrl+L)</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>Rechercher</translation>
    </message>
    <message>
        <source>Next case</source>
        <translation>Cas suivant</translation>
    </message>
    <message>
        <source>Previous case</source>
        <translation>Cas précédent</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Raccourcis clavier</translation>
    </message>
    <message>
        <source>Search cases and discussions  (Ctrl+F)</source>
        <translation>Rechercher dans les cas et les discussions  (Ctrl+F)</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Rechercher</translation>
    </message>
    <message>
        <source>Clear the search (in the search field)</source>
        <translation>Effacer la recherche (dans le champ de recherche)</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Principal</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Édition</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>&amp;Network</source>
        <translation>&amp;Réseau</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>Répondre</translation>
    </message>
    <message>
        <source>Endorse</source>
        <translation>Approuver</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Modifier</translation>
    </message>
    <message>
        <source>Hide…</source>
        <translation>Masquer…</translation>
    </message>
    <message>
        <source>Flag…</source>
        <translation>Signaler…</translation>
    </message>
    <message>
        <source>Unhide</source>
        <translation>Réafficher</translation>
    </message>
    <message>
        <source>Endorsed ✓</source>
        <translation>Approuvé ✓</translation>
    </message>
    <message>
        <source>not sent yet</source>
        <translation>pas encore envoyé</translation>
    </message>
    <message>
        <source>Presentation</source>
        <translation>Présentation</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Antécédents</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>Constatations</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Question</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Évolution</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Ouvert</translation>
    </message>
    <message>
        <source>Pinned</source>
        <translation>Épinglé</translation>
    </message>
    <message>
        <source>Urgent second opinion asked</source>
        <translation>Deuxième avis urgent demandé</translation>
    </message>
    <message>
        <source>Second opinion asked</source>
        <translation>Deuxième avis demandé</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>Pièces jointes</translation>
    </message>
    <message>
        <source>Edited once.</source>
        <translation>Modifié une fois.</translation>
    </message>
    <message>
        <source>Edited {0} times.</source>
        <translation>Modifié {0} fois.</translation>
    </message>
    <message>
        <source>Discussion ({0})</source>
        <translation>Discussion ({0})</translation>
    </message>
    <message>
        <source>Hidden by a moderator: {0}</source>
        <translation>Masqué par un modérateur&#xa0;: {0}</translation>
    </message>
    <message>
        <source>Held for a moderator&apos;s look after members flagged it.</source>
        <translation>Mis en attente d&apos;un examen par un modérateur après des signalements de membres.</translation>
    </message>
    <message>
        <source>edited</source>
        <translation>modifié</translation>
    </message>
    <message>
        <source>No replies yet.</source>
        <translation>Aucune réponse pour le moment.</translation>
    </message>
    <message>
        <source>Consent: {0} · covers {1} · given {2} · recorded by {3}</source>
        <translation>Consentement&#xa0;: {0} · couvre {1} · donné le {2} · consigné par {3}</translation>
    </message>
    <message>
        <source>signed form on file</source>
        <translation>formulaire signé joint</translation>
    </message>
    <message>
        <source>signed consent form, not previewed</source>
        <translation>formulaire de consentement signé, sans aperçu</translation>
    </message>
    <message>
        <source>shows the patient</source>
        <translation>montre le patient</translation>
    </message>
    <message>
        <source>consent: {0}, covers {1}</source>
        <translation>consentement&#xa0;: {0}, couvre {1}</translation>
    </message>
    <message>
        <source>member</source>
        <translation>membre</translation>
    </message>
    <message>
        <source>moderator</source>
        <translation>modérateur</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>administrateur</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>retiré</translation>
    </message>
    <message>
        <source>Something unexpected went wrong: {0}</source>
        <translation>Une erreur inattendue s&apos;est produite&#xa0;: {0}</translation>
    </message>
    <message>
        <source>{0} computer</source>
        <translation>Ordinateur {0}</translation>
    </message>
    <message>
        <source>My computer</source>
        <translation>Mon ordinateur</translation>
    </message>
    <message>
        <source>Comparison code {0}: check that your other computer shows the same, and confirm there.</source>
        <translation>Code de comparaison {0}&#xa0;: vérifiez que votre autre ordinateur affiche le même code, puis confirmez sur ce dernier.</translation>
    </message>
    <message>
        <source>first computer</source>
        <translation>premier ordinateur</translation>
    </message>
    <message>
        <source>computer</source>
        <translation>ordinateur</translation>
    </message>
    <message>
        <source>Something went wrong.</source>
        <translation>Une erreur s&apos;est produite.</translation>
    </message>
    <message>
        <source>Your library is safe: every saved change is on disk. The details below help fix it.</source>
        <translation>Votre bibliothèque ne risque rien&#xa0;: toutes les modifications enregistrées sont sur le disque. Les détails ci-dessous aideront à résoudre le problème.</translation>
    </message>
    <message>
        <source>Cannot write {0}: {1}.</source>
        <translation>Impossible d&apos;enregistrer {0}&#xa0;: {1}.</translation>
    </message>
    <message>
        <source>{0} is not an image Casebook can read (PNG or JPEG).</source>
        <translation>{0} n&apos;est pas une image que Casebook peut lire (PNG ou JPEG).</translation>
    </message>
    <message>
        <source>No Casebook invite was found in {0}. Try a sharper picture of the QR code, or paste the code instead.</source>
        <translation>Aucune invitation Casebook n&apos;a été trouvée dans {0}. Essayez avec une photo plus nette du code QR, ou collez plutôt le code.</translation>
    </message>
    <message>
        <source>too short (not accepted)</source>
        <translation>trop courte (refusée)</translation>
    </message>
    <message>
        <source>weak (not accepted)</source>
        <translation>faible (refusée)</translation>
    </message>
    <message>
        <source>fair</source>
        <translation>moyenne</translation>
    </message>
    <message>
        <source>strong</source>
        <translation>forte</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>Enregistrer…</translation>
    </message>
    <message>
        <source>Fetching the picture…</source>
        <translation>Récupération de l&apos;image…</translation>
    </message>
    <message>
        <source>Fetching the picture… {0}%</source>
        <translation>Récupération de l&apos;image… {0}&#xa0;%</translation>
    </message>
    <message>
        <source>No preview: this file is not a picture Casebook can show.</source>
        <translation>Pas d&apos;aperçu&#xa0;: ce fichier n&apos;est pas une image que Casebook sait afficher.</translation>
    </message>
    <message>
        <source>No preview yet: {0}</source>
        <translation>Pas encore d&apos;aperçu&#xa0;: {0}</translation>
    </message>
    <message>
        <source>My cases</source>
        <translation>Mes cas</translation>
    </message>
    <message>
        <source>{0} cases you posted</source>
        <translation>{0} cas publiés par vous</translation>
    </message>
    <message>
        <source>Awaiting my reply</source>
        <translation>En attente de ma réponse</translation>
    </message>
    <message>
        <source>{0} cases where you were mentioned, a poll awaits your answer, or someone spoke after you</source>
        <translation>{0} cas où vous êtes mentionné, où un sondage attend votre réponse, ou où quelqu&apos;un a parlé après vous</translation>
    </message>
    <message>
        <source>Unanswered</source>
        <translation>Sans réponse</translation>
    </message>
    <message>
        <source>{0} open cases nobody but their author has answered in a day</source>
        <translation>{0} cas ouverts sans réponse d&apos;un autre que leur auteur depuis un jour</translation>
    </message>
    <message>
        <source>Second opinions</source>
        <translation>Deuxièmes avis</translation>
    </message>
    <message>
        <source>{0} open cases whose author asks for a second opinion</source>
        <translation>{0} cas ouverts dont l&apos;auteur demande un deuxième avis</translation>
    </message>
    <message>
        <source>No record</source>
        <translation>Aucun enregistrement</translation>
    </message>
    <message>
        <source>Not needed (de-identified, or implied)</source>
        <translation>Non nécessaire (anonymisé, ou implicite)</translation>
    </message>
    <message>
        <source>Verbal</source>
        <translation>Oral</translation>
    </message>
    <message>
        <source>Written</source>
        <translation>Écrit</translation>
    </message>
    <message>
        <source>This network</source>
        <translation>Ce réseau</translation>
    </message>
    <message>
        <source>Teaching</source>
        <translation>Enseignement</translation>
    </message>
    <message>
        <source>Publication</source>
        <translation>Publication</translation>
    </message>
    <message>
        <source>Withdrawn by {0} (admin) on {1}: {2}</source>
        <translation>Retiré par {0} (administrateur) le {1}&#xa0;: {2}</translation>
    </message>
    <message>
        <source>Withdrawn by the author, {0}, on {1}: {2}</source>
        <translation>Retiré par l&apos;auteur, {0}, le {1}&#xa0;: {2}</translation>
    </message>
    <message>
        <source>Withdrawn case</source>
        <translation>Cas retiré</translation>
    </message>
    <message>
        <source>Posted by {0} on {1}. Its text, discussion and attachments have been deleted from this computer.</source>
        <translation>Publié par {0} le {1}. Son texte, sa discussion et ses pièces jointes ont été supprimés de cet ordinateur.</translation>
    </message>
    <message>
        <source>Deletion confirmed so far by {0} computer(s) of {1} member(s); the others confirm as they sync.</source>
        <translation>Suppression confirmée à ce jour par {0} ordinateur(s) de {1} membre(s)&#xa0;; les autres la confirment en se synchronisant.</translation>
    </message>
    <message>
        <source>Withdraw “{0}”?

Its text, fields, discussion and attachments are deleted from your computers and from every member&apos;s as they sync, and the relay drops what it holds. This cannot be undone. A tombstone stays in its place with your name, the date and the reason below.

Casebook cannot recall copies that members saved or exported outside Casebook, backups made before today, or computers that never sync again.

Reason (members see it):</source>
        <translation>Retirer «&#xa0;{0}&#xa0;»&#xa0;?

Son texte, ses champs, sa discussion et ses pièces jointes sont supprimés de vos ordinateurs et de ceux de chaque membre à leur synchronisation, et le relais efface ce qu&apos;il en détient. C&apos;est irréversible. Une mention reste à sa place avec votre nom, la date et le motif ci-dessous.

Casebook ne peut pas rappeler les copies que des membres ont enregistrées ou exportées hors de Casebook, les sauvegardes faites avant aujourd&apos;hui, ni les ordinateurs qui ne se synchronisent plus.

Motif (visible par les membres)&#xa0;:</translation>
    </message>
    <message>
        <source>Withdraw case</source>
        <translation>Retirer le cas</translation>
    </message>
    <message>
        <source>Consent withdrawn by the patient</source>
        <translation>Consentement retiré par le patient</translation>
    </message>
    <message>
        <source>Export for teaching</source>
        <translation>Exporter pour l&apos;enseignement</translation>
    </message>
    <message>
        <source>“{0}” and its discussion as a PDF for teaching, with its pictures. It is refused unless the case&apos;s consent covers teaching, and its text is checked for patient identifiers again. The PDF is a copy outside Casebook: withdrawing the case later cannot recall it.</source>
        <translation>«&#xa0;{0}&#xa0;» et sa discussion en PDF pour l&apos;enseignement, avec ses images. L&apos;export est refusé si le consentement du cas ne couvre pas l&apos;enseignement, et son texte est de nouveau vérifié à la recherche d&apos;identifiants du patient. Le PDF est une copie hors de Casebook&#xa0;: retirer le cas plus tard ne pourra pas le rappeler.</translation>
    </message>
    <message>
        <source>Show the authors as:</source>
        <translation>Afficher les auteurs sous forme de&#xa0;:</translation>
    </message>
    <message>
        <source>Roles (Presenting clinician, Colleague A, …)</source>
        <translation>Rôles (Présentateur du cas, Collègue A, …)</translation>
    </message>
    <message>
        <source>Initials (A.M., B.O., …)</source>
        <translation>Initiales (A.M., B.O., …)</translation>
    </message>
    <message>
        <source>Choose where to save…</source>
        <translation>Choisir où enregistrer…</translation>
    </message>
    <message>
        <source>Exported for teaching to {0}.</source>
        <translation>Exporté pour l&apos;enseignement dans {0}.</translation>
    </message>
    <message>
        <source>Export anyway?</source>
        <translation>Exporter quand même&#xa0;?</translation>
    </message>
    <message>
        <source>What is your differential?</source>
        <translation>Quel est votre diagnostic différentiel&#xa0;?</translation>
    </message>
    <message>
        <source>What would you do?</source>
        <translation>Que feriez-vous&#xa0;?</translation>
    </message>
    <message>
        <source>{0} answer(s)</source>
        <translation>{0} réponse(s)</translation>
    </message>
    <message>
        <source>Poll: {0}</source>
        <translation>Sondage&#xa0;: {0}</translation>
    </message>
    <message>
        <source>The answers show once you have answered or skipped.</source>
        <translation>Les réponses s&apos;affichent une fois que vous avez répondu ou passé.</translation>
    </message>
    <message>
        <source>Answer…</source>
        <translation>Répondre…</translation>
    </message>
    <message>
        <source>Skip and see the answers</source>
        <translation>Passer et voir les réponses</translation>
    </message>
    <message>
        <source>{0} vote(s)</source>
        <translation>{0} voix</translation>
    </message>
    <message>
        <source>Pooled differential</source>
        <translation>Différentiel mis en commun</translation>
    </message>
    <message>
        <source>Answers</source>
        <translation>Réponses</translation>
    </message>
    <message>
        <source>{0} answer(s) hidden by a moderator, not counted.</source>
        <translation>{0} réponse(s) masquée(s) par un modérateur, non comptée(s).</translation>
    </message>
    <message>
        <source>Each member&apos;s answer…</source>
        <translation>La réponse de chaque membre…</translation>
    </message>
    <message>
        <source>You skipped this poll.</source>
        <translation>Vous avez passé ce sondage.</translation>
    </message>
    <message>
        <source>Your answer: {0}</source>
        <translation>Votre réponse&#xa0;: {0}</translation>
    </message>
    <message>
        <source>Final answer: {0}</source>
        <translation>Réponse finale&#xa0;: {0}</translation>
    </message>
    <message>
        <source>You ranked it {0}; the group ranked it {1}.</source>
        <translation>Vous l&apos;avez classé {0}&#xa0;; le groupe l&apos;a classé {1}.</translation>
    </message>
    <message>
        <source>It was not in your list; the group ranked it {0}.</source>
        <translation>Il n&apos;était pas dans votre liste&#xa0;; le groupe l&apos;a classé {0}.</translation>
    </message>
    <message>
        <source>Mark the final answer…</source>
        <translation>Indiquer la réponse finale…</translation>
    </message>
    <message>
        <source>Why is it hidden? Members see this reason in its place.</source>
        <translation>Pourquoi le masquer&#xa0;? Les membres verront ce motif à sa place.</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>Masquer</translation>
    </message>
    <message>
        <source>Possible patient identifier</source>
        <translation>Identifiant de patient possible</translation>
    </message>
    <message>
        <source>Clinically wrong</source>
        <translation>Cliniquement erroné</translation>
    </message>
    <message>
        <source>Inappropriate</source>
        <translation>Inapproprié</translation>
    </message>
    <message>
        <source>hid</source>
        <translation>a masqué</translation>
    </message>
    <message>
        <source>showed again</source>
        <translation>a réaffiché</translation>
    </message>
    <message>
        <source>pinned</source>
        <translation>a épinglé</translation>
    </message>
    <message>
        <source>unpinned</source>
        <translation>a désépinglé</translation>
    </message>
    <message>
        <source>held for a look</source>
        <translation>mis en attente d&apos;examen</translation>
    </message>
    <message>
        <source>released</source>
        <translation>libéré</translation>
    </message>
    <message>
        <source>No reminder</source>
        <translation>Pas de rappel</translation>
    </message>
    <message>
        <source>In 1 week</source>
        <translation>Dans 1 semaine</translation>
    </message>
    <message>
        <source>In 2 weeks</source>
        <translation>Dans 2 semaines</translation>
    </message>
    <message>
        <source>In 1 month</source>
        <translation>Dans 1 mois</translation>
    </message>
    <message>
        <source>In 3 months</source>
        <translation>Dans 3 mois</translation>
    </message>
    <message>
        <source>No second opinion asked</source>
        <translation>Pas de deuxième avis demandé</translation>
    </message>
    <message>
        <source>Ask for a second opinion</source>
        <translation>Demander un deuxième avis</translation>
    </message>
    <message>
        <source>Ask for an urgent second opinion</source>
        <translation>Demander un deuxième avis urgent</translation>
    </message>
</context>
<context>
    <name>AboutDialog</name>
    <message>
        <source>About Casebook</source>
        <translation>À propos de Casebook</translation>
    </message>
    <message>
        <source>&lt;b&gt;Casebook&lt;/b&gt; {0}</source>
        <translation>&lt;b&gt;Casebook&lt;/b&gt; {0}</translation>
    </message>
    <message>
        <source>Private case discussion for invitation-only networks of colleagues. Your library is encrypted on your computers; relays forward what they cannot read. Casebook is built on these libraries, each under its own licence:</source>
        <translation>Discussion privée de cas entre collègues, au sein de réseaux accessibles uniquement sur invitation. Votre bibliothèque est chiffrée sur vos ordinateurs&#xa0;; les relais transmettent des données qu&apos;ils ne peuvent pas lire. Casebook s&apos;appuie sur les bibliothèques logicielles suivantes, chacune distribuée sous sa propre licence&#xa0;:</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>Bibliothèque</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Licence</translation>
    </message>
    <message>
        <source>Libraries and their licences</source>
        <translation>Bibliothèques et leurs licences</translation>
    </message>
    <message>
        <source>Qt 6 ({0}), through PySide6</source>
        <translation>Qt 6 ({0}), via PySide6</translation>
    </message>
</context>
<context>
    <name>AnswerPollDialog</name>
    <message>
        <source>Mark the final answer</source>
        <translation>Indiquer la réponse finale</translation>
    </message>
    <message>
        <source>Answer the poll</source>
        <translation>Répondre au sondage</translation>
    </message>
    <message>
        <source>Diagnosis {0}</source>
        <translation>Diagnostic {0}</translation>
    </message>
    <message>
        <source>Final diagnosis:</source>
        <translation>Diagnostic final&#xa0;:</translation>
    </message>
    <message>
        <source>The most likely first; leave the rest empty.</source>
        <translation>Le plus probable d&apos;abord&#xa0;; laissez le reste vide.</translation>
    </message>
    <message>
        <source>Mark final</source>
        <translation>Indiquer comme finale</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Répondre</translation>
    </message>
</context>
<context>
    <name>AskPollDialog</name>
    <message>
        <source>Ask a poll</source>
        <translation>Lancer un sondage</translation>
    </message>
    <message>
        <source>Members see the others&apos; answers only once they have answered or skipped, so each answer is their own.</source>
        <translation>Les membres ne voient les réponses des autres qu&apos;après avoir répondu ou passé&#xa0;: chaque réponse est bien la leur.</translation>
    </message>
    <message>
        <source>What is your differential? (up to five diagnoses)</source>
        <translation>Quel est votre diagnostic différentiel&#xa0;? (jusqu&apos;à cinq diagnostics)</translation>
    </message>
    <message>
        <source>What would you do? (your options)</source>
        <translation>Que feriez-vous&#xa0;? (vos options)</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>Type&#xa0;:</translation>
    </message>
    <message>
        <source>Optional: the question, in one line</source>
        <translation>Facultatif&#xa0;: la question, en une ligne</translation>
    </message>
    <message>
        <source>Question:</source>
        <translation>Question&#xa0;:</translation>
    </message>
    <message>
        <source>One option a line</source>
        <translation>Une option par ligne</translation>
    </message>
    <message>
        <source>Options</source>
        <translation>Options</translation>
    </message>
    <message>
        <source>Options:</source>
        <translation>Options&#xa0;:</translation>
    </message>
    <message>
        <source>Ask</source>
        <translation>Lancer</translation>
    </message>
</context>
<context>
    <name>AuthorActions</name>
    <message>
        <source>Follow up…</source>
        <translation>Suivi…</translation>
    </message>
    <message>
        <source>Be reminded to add the outcome (only you see it)</source>
        <translation>Recevoir un rappel pour ajouter l&apos;évolution (vous seul le voyez)</translation>
    </message>
    <message>
        <source>Second opinion…</source>
        <translation>Deuxième avis…</translation>
    </message>
    <message>
        <source>Ask colleagues for a second opinion</source>
        <translation>Demander un deuxième avis aux collègues</translation>
    </message>
    <message>
        <source>Follow up on {0}…</source>
        <translation>Suivi le {0}…</translation>
    </message>
    <message>
        <source>Follow up</source>
        <translation>Suivi</translation>
    </message>
    <message>
        <source>Remind me to add the outcome of this case (on my computers only):</source>
        <translation>Me rappeler d&apos;ajouter l&apos;évolution de ce cas (sur mes ordinateurs seulement)&#xa0;:</translation>
    </message>
    <message>
        <source>Reminder set.</source>
        <translation>Rappel enregistré.</translation>
    </message>
    <message>
        <source>No reminder for this case.</source>
        <translation>Pas de rappel pour ce cas.</translation>
    </message>
    <message>
        <source>Second opinion</source>
        <translation>Deuxième avis</translation>
    </message>
    <message>
        <source>Colleagues who have not answered see the case in their queue:</source>
        <translation>Les collègues qui n&apos;ont pas répondu voient le cas dans leur file&#xa0;:</translation>
    </message>
    <message>
        <source>No second opinion asked any more.</source>
        <translation>Plus de deuxième avis demandé.</translation>
    </message>
    <message>
        <source>Second opinion asked.</source>
        <translation>Deuxième avis demandé.</translation>
    </message>
    <message>
        <source>Urgent second opinion asked.</source>
        <translation>Deuxième avis urgent demandé.</translation>
    </message>
</context>
<context>
    <name>BundleDialog</name>
    <message>
        <source>Bundle files</source>
        <translation>Fichiers d&apos;échange</translation>
    </message>
    <message>
        <source>A bundle file carries a network&apos;s encrypted events, for a colleague who has no relay or for a USB stick. Only members can read it; importing checks every event as a sync does.</source>
        <translation>Un fichier d&apos;échange contient les événements chiffrés d&apos;un réseau, à remettre à un collègue qui n&apos;a pas de relais ou à copier sur une clé USB. Seuls les membres peuvent le lire&#xa0;; l&apos;importation vérifie chaque événement, comme lors d&apos;une synchronisation.</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <source>Network to export</source>
        <translation>Réseau à exporter</translation>
    </message>
    <message>
        <source>Export to a file…</source>
        <translation>Exporter dans un fichier…</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importer</translation>
    </message>
    <message>
        <source>A bundle from a member of one of your networks.</source>
        <translation>Un fichier d&apos;échange provenant d&apos;un membre de l&apos;un de vos réseaux.</translation>
    </message>
    <message>
        <source>Import a bundle file…</source>
        <translation>Importer un fichier d&apos;échange…</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Progression</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>Compte rendu</translation>
    </message>
    <message>
        <source>Casebook bundles (*{0})</source>
        <translation>Fichiers d&apos;échange Casebook (*{0})</translation>
    </message>
    <message>
        <source>Export a bundle</source>
        <translation>Exporter un fichier d&apos;échange</translation>
    </message>
    <message>
        <source>Writing the bundle…</source>
        <translation>Écriture du fichier d&apos;échange…</translation>
    </message>
    <message>
        <source>Wrote {0} events and {1} welcome package(s) to {2}. Give it to a colleague or copy it to a USB stick; it holds only encrypted content, but treat it as private.</source>
        <translation>{0} événements et {1} paquet(s) d&apos;accueil écrits dans {2}. Remettez ce fichier à un collègue ou copiez-le sur une clé USB&#xa0;; il ne contient que des données chiffrées, mais traitez-le comme confidentiel.</translation>
    </message>
    <message>
        <source>Import a bundle</source>
        <translation>Importer un fichier d&apos;échange</translation>
    </message>
    <message>
        <source>Casebook bundles (*{0});;All files (*)</source>
        <translation>Fichiers d&apos;échange Casebook (*{0});;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Checking and storing the bundle&apos;s events…</source>
        <translation>Vérification et enregistrement des événements du fichier d&apos;échange…</translation>
    </message>
</context>
<context>
    <name>CaseActions</name>
    <message>
        <source>Case actions</source>
        <translation>Actions sur le cas</translation>
    </message>
    <message>
        <source>Mark resolved</source>
        <translation>Marquer comme résolu</translation>
    </message>
    <message>
        <source>Add outcome…</source>
        <translation>Ajouter l&apos;évolution…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Modifier…</translation>
    </message>
    <message>
        <source>Ask a poll…</source>
        <translation>Lancer un sondage…</translation>
    </message>
    <message>
        <source>Withdraw…</source>
        <translation>Retirer…</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>Épingler</translation>
    </message>
    <message>
        <source>Hide…</source>
        <translation>Masquer…</translation>
    </message>
    <message>
        <source>Hide this case from members, giving a reason</source>
        <translation>Masquer ce cas aux membres, en indiquant un motif</translation>
    </message>
    <message>
        <source>Replying to</source>
        <translation>Réponse à</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Reply to the case instead</source>
        <translation>Répondre plutôt au cas</translation>
    </message>
    <message>
        <source>Reply to the case instead (Esc)</source>
        <translation>Répondre plutôt au cas (Esc)</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>Rouvrir</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>Désépingler</translation>
    </message>
    <message>
        <source>Replying to {0}: “{1}”</source>
        <translation>Réponse à {0}&#xa0;: «&#xa0;{1}&#xa0;»</translation>
    </message>
    <message>
        <source>Case reopened.</source>
        <translation>Cas rouvert.</translation>
    </message>
    <message>
        <source>Case marked resolved.</source>
        <translation>Cas marqué comme résolu.</translation>
    </message>
    <message>
        <source>Add outcome</source>
        <translation>Ajouter l&apos;évolution</translation>
    </message>
    <message>
        <source>What happened in the end: diagnosis, treatment, follow-up (Markdown).</source>
        <translation>Comment le cas a finalement évolué&#xa0;: diagnostic, traitement, suivi (Markdown).</translation>
    </message>
    <message>
        <source>Mark the case resolved</source>
        <translation>Marquer le cas comme résolu</translation>
    </message>
    <message>
        <source>Outcome added.</source>
        <translation>Évolution ajoutée.</translation>
    </message>
    <message>
        <source>Case saved.</source>
        <translation>Cas enregistré.</translation>
    </message>
    <message>
        <source>Nothing was changed.</source>
        <translation>Aucune modification n&apos;a été apportée.</translation>
    </message>
    <message>
        <source>Case withdrawn: every member&apos;s computer deletes it as it syncs.</source>
        <translation>Cas retiré&#xa0;: l&apos;ordinateur de chaque membre le supprime à sa synchronisation.</translation>
    </message>
    <message>
        <source>Case unpinned.</source>
        <translation>Cas désépinglé.</translation>
    </message>
    <message>
        <source>Case pinned for the network.</source>
        <translation>Cas épinglé pour le réseau.</translation>
    </message>
    <message>
        <source>Hide case</source>
        <translation>Masquer le cas</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Case hidden&lt;/h3&gt;&lt;p class=&apos;meta&apos;&gt;Reason given: {0}&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Cas masqué&lt;/h3&gt;&lt;p class=&apos;meta&apos;&gt;Motif indiqué&#xa0;: {0}&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Case hidden.</source>
        <translation>Cas masqué.</translation>
    </message>
    <message>
        <source>Endorsed.</source>
        <translation>Approuvé.</translation>
    </message>
    <message>
        <source>Edit comment</source>
        <translation>Modifier le commentaire</translation>
    </message>
    <message>
        <source>Your comment (Markdown). Earlier versions stay in its history.</source>
        <translation>Votre commentaire (Markdown). Les versions précédentes restent dans son historique.</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Enregistrer</translation>
    </message>
    <message>
        <source>Comment saved.</source>
        <translation>Commentaire enregistré.</translation>
    </message>
    <message>
        <source>Hide comment</source>
        <translation>Masquer le commentaire</translation>
    </message>
    <message>
        <source>Comment hidden.</source>
        <translation>Commentaire masqué.</translation>
    </message>
    <message>
        <source>Comment shown again.</source>
        <translation>Commentaire de nouveau affiché.</translation>
    </message>
    <message>
        <source>Save attachment</source>
        <translation>Enregistrer la pièce jointe</translation>
    </message>
    <message>
        <source>Saving {0}…</source>
        <translation>Enregistrement de {0}…</translation>
    </message>
    <message>
        <source>Saved {0}.</source>
        <translation>{0} enregistré.</translation>
    </message>
    <message>
        <source>Opening {0}…</source>
        <translation>Ouverture de {0}…</translation>
    </message>
    <message>
        <source>Opened {0}.</source>
        <translation>{0} ouvert.</translation>
    </message>
    <message>
        <source>No program on this computer opens {0}; use Save… to keep a copy and open it elsewhere.</source>
        <translation>Aucun programme de cet ordinateur ne peut ouvrir {0}&#xa0;; utilisez «&#xa0;Enregistrer…&#xa0;» pour en conserver une copie et l&apos;ouvrir ailleurs.</translation>
    </message>
</context>
<context>
    <name>CaseListModel</name>
    <message>
        <source>Match</source>
        <translation>Correspondance</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Résolu</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>Urgent</translation>
    </message>
    <message>
        <source>Opinion asked</source>
        <translation>Avis demandé</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Ouvert</translation>
    </message>
    <message>
        <source>Posted {0}; last activity {1}</source>
        <translation>Publié {0}&#xa0;; dernière activité {1}</translation>
    </message>
    <message>
        <source>unread</source>
        <translation>non lu</translation>
    </message>
</context>
<context>
    <name>ConsentBox</name>
    <message>
        <source>Patient&apos;s consent</source>
        <translation>Consentement du patient</translation>
    </message>
    <message>
        <source>Date consent was given</source>
        <translation>Date du consentement</translation>
    </message>
    <message>
        <source>given on</source>
        <translation>donné le</translation>
    </message>
    <message>
        <source>Covers:</source>
        <translation>Couvre&#xa0;:</translation>
    </message>
    <message>
        <source>No signed form</source>
        <translation>Aucun formulaire signé</translation>
    </message>
    <message>
        <source>Signed form…</source>
        <translation>Formulaire signé…</translation>
    </message>
    <message>
        <source>Attach the signed form; it is encrypted like any file and never previewed.</source>
        <translation>Joindre le formulaire signé&#xa0;; il est chiffré comme tout fichier et jamais affiché en aperçu.</translation>
    </message>
    <message>
        <source>Signed consent form</source>
        <translation>Formulaire de consentement signé</translation>
    </message>
    <message>
        <source>Signed form: {0}</source>
        <translation>Formulaire signé&#xa0;: {0}</translation>
    </message>
    <message>
        <source>Signed form on file</source>
        <translation>Formulaire signé joint</translation>
    </message>
</context>
<context>
    <name>CreatePage</name>
    <message>
        <source>Welcome to Casebook</source>
        <translation>Bienvenue dans Casebook</translation>
    </message>
    <message>
        <source>Your case library is kept on this computer, encrypted with a passphrase only you know. Colleagues will see your name and a fingerprint they can compare with you.</source>
        <translation>Votre bibliothèque de cas est conservée sur cet ordinateur, chiffrée avec une phrase secrète connue de vous seulement. Vos collègues verront votre nom et une empreinte qu&apos;ils pourront comparer avec vous.</translation>
    </message>
    <message>
        <source>e.g. Dr. Alice Moreau</source>
        <translation>p. ex. Dr Alice Moreau</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Votre nom</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>Phrase secrète</translation>
    </message>
    <message>
        <source>Repeat passphrase</source>
        <translation>Confirmer la phrase secrète</translation>
    </message>
    <message>
        <source>Repeat it</source>
        <translation>Saisissez-la de nouveau</translation>
    </message>
    <message>
        <source>&lt;b&gt;Casebook cannot recover a forgotten passphrase.&lt;/b&gt; Without it the library on this computer cannot be opened. A few unrelated words make a passphrase that is easy to remember and hard to guess.</source>
        <translation>&lt;b&gt;Casebook ne peut pas récupérer une phrase secrète oubliée.&lt;/b&gt; Sans elle, la bibliothèque de cet ordinateur ne peut pas être ouverte. Quelques mots sans rapport entre eux forment une phrase secrète facile à retenir et difficile à deviner.</translation>
    </message>
    <message>
        <source>I already use Casebook on another computer</source>
        <translation>J&apos;utilise déjà Casebook sur un autre ordinateur</translation>
    </message>
    <message>
        <source>Recover with my recovery key</source>
        <translation>Récupérer avec ma clé de récupération</translation>
    </message>
    <message>
        <source>Restore from a backup file</source>
        <translation>Restaurer à partir d&apos;un fichier de sauvegarde</translation>
    </message>
    <message>
        <source>Create my library</source>
        <translation>Créer ma bibliothèque</translation>
    </message>
    <message>
        <source>Strength: {0}</source>
        <translation>Robustesse&#xa0;: {0}</translation>
    </message>
</context>
<context>
    <name>DevicesDialog</name>
    <message>
        <source>Your computers</source>
        <translation>Vos ordinateurs</translation>
    </message>
    <message>
        <source>Each computer you use Casebook on has its own keys; colleagues see one of you, with one fingerprint. Revoke a computer you lost: what it writes from then on is refused everywhere, and your networks get a new key.</source>
        <translation>Chaque ordinateur sur lequel vous utilisez Casebook possède ses propres clés&#xa0;; vos collègues ne voient qu&apos;une seule personne, avec une seule empreinte. Révoquez un ordinateur perdu&#xa0;: tout ce qu&apos;il écrira ensuite sera refusé partout, et vos réseaux recevront une nouvelle clé.</translation>
    </message>
    <message>
        <source>Computer</source>
        <translation>Ordinateur</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Identifiant</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Ajouté le</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Dernière connexion</translation>
    </message>
    <message>
        <source>Link another computer…</source>
        <translation>Associer un autre ordinateur…</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>Révoquer…</translation>
    </message>
    <message>
        <source>Show recovery key…</source>
        <translation>Afficher la clé de récupération…</translation>
    </message>
    <message>
        <source> (this computer)</source>
        <translation> (cet ordinateur)</translation>
    </message>
    <message>
        <source> — revoked</source>
        <translation> — révoqué</translation>
    </message>
    <message>
        <source>Revoke this computer?</source>
        <translation>Révoquer cet ordinateur&#xa0;?</translation>
    </message>
    <message>
        <source>Revoke “{0}”? What it writes from now on is refused by every colleague and relay, and your networks get a new key so it cannot read anything new. The computers it linked are revoked with it (link them again from here). This cannot be undone; to use it again, link it anew.</source>
        <translation>Révoquer «&#xa0;{0}&#xa0;»&#xa0;? Tout ce qu&apos;il écrira désormais sera refusé par chaque collègue et chaque relais, et vos réseaux recevront une nouvelle clé afin qu&apos;il ne puisse plus rien lire de nouveau. Les ordinateurs qu&apos;il a associés sont révoqués avec lui (associez-les de nouveau depuis cette fenêtre). Cette action est irréversible&#xa0;; pour réutiliser cet ordinateur, associez-le de nouveau.</translation>
    </message>
    <message>
        <source>Your recovery key</source>
        <translation>Votre clé de récupération</translation>
    </message>
    <message>
        <source>Type your recovery key (the 14 groups you wrote down):</source>
        <translation>Saisissez votre clé de récupération (les 14 groupes que vous avez notés)&#xa0;:</translation>
    </message>
    <message>
        <source>Revoked. Your networks have a new key.</source>
        <translation>Révoqué. Vos réseaux ont reçu une nouvelle clé.</translation>
    </message>
    <message>
        <source>Revoked. An admin&apos;s app gives your networks a new key at its next sync.</source>
        <translation>Révoqué. L&apos;application d&apos;un administrateur attribuera une nouvelle clé à vos réseaux lors de sa prochaine synchronisation.</translation>
    </message>
    <message>
        <source>Revoked with it: {0}.</source>
        <translation>Révoqués en même temps&#xa0;: {0}.</translation>
    </message>
</context>
<context>
    <name>EditCaseDialog</name>
    <message>
        <source>Edit case</source>
        <translation>Modifier le cas</translation>
    </message>
    <message>
        <source>Save changes</source>
        <translation>Enregistrer les modifications</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>Pièces jointes</translation>
    </message>
    <message>
        <source>Add attachments</source>
        <translation>Ajouter des pièces jointes</translation>
    </message>
</context>
<context>
    <name>FlagActions</name>
    <message>
        <source>Flag…</source>
        <translation>Signaler…</translation>
    </message>
    <message>
        <source>Ask the moderators to look at this case</source>
        <translation>Demander aux modérateurs d&apos;examiner ce cas</translation>
    </message>
    <message>
        <source>case</source>
        <translation>cas</translation>
    </message>
    <message>
        <source>comment</source>
        <translation>commentaire</translation>
    </message>
    <message>
        <source>Flagged: the moderators will see it at their next sync.</source>
        <translation>Signalé&#xa0;: les modérateurs le verront à leur prochaine synchronisation.</translation>
    </message>
</context>
<context>
    <name>FlagDialog</name>
    <message>
        <source>Flag for the moderators</source>
        <translation>Signaler aux modérateurs</translation>
    </message>
    <message>
        <source>Ask the network&apos;s moderators to look at this {0}. Only they and the admins can read your reason; other members and the relay cannot.</source>
        <translation>Demandez aux modérateurs du réseau d&apos;examiner ce {0}. Eux seuls et les administrateurs peuvent lire votre motif&#xa0;; ni les autres membres ni le relais ne le peuvent.</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motif</translation>
    </message>
    <message>
        <source>Choose a reason or write your own</source>
        <translation>Choisissez un motif ou écrivez le vôtre</translation>
    </message>
    <message>
        <source>Flag</source>
        <translation>Signaler</translation>
    </message>
</context>
<context>
    <name>InviteDialog</name>
    <message>
        <source>Invite a colleague</source>
        <translation>Inviter un collègue</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Uses</source>
        <translation>Utilisations</translation>
    </message>
    <message>
        <source>How many people may use it</source>
        <translation>Nombre de personnes pouvant l&apos;utiliser</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Expiration</translation>
    </message>
    <message>
        <source>in {0} days</source>
        <translation>dans {0} jours</translation>
    </message>
    <message>
        <source>in 1 day</source>
        <translation>dans 1 jour</translation>
    </message>
    <message>
        <source>Create invite</source>
        <translation>Créer l&apos;invitation</translation>
    </message>
    <message>
        <source>Invite code</source>
        <translation>Code d&apos;invitation</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>Copier le code</translation>
    </message>
    <message>
        <source>Copy the invite code</source>
        <translation>Copier le code d&apos;invitation</translation>
    </message>
    <message>
        <source>Invite QR code</source>
        <translation>Code QR de l&apos;invitation</translation>
    </message>
    <message>
        <source>Send the code privately: whoever holds it can join until it is used up, revoked or expired. The newcomer pastes it into Casebook or scans the QR code.</source>
        <translation>Transmettez le code en privé&#xa0;: toute personne qui le détient peut rejoindre le réseau jusqu&apos;à ce qu&apos;il soit épuisé, révoqué ou expiré. Le nouveau venu le colle dans Casebook ou scanne le code QR.</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Copié</translation>
    </message>
</context>
<context>
    <name>InvitesView</name>
    <message>
        <source>open</source>
        <translation>active</translation>
    </message>
    <message>
        <source>used up</source>
        <translation>épuisée</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>expirée</translation>
    </message>
    <message>
        <source>revoked</source>
        <translation>révoquée</translation>
    </message>
    <message>
        <source>Invites</source>
        <translation>Invitations</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>Utilisations</translation>
    </message>
    <message>
        <source>Made</source>
        <translation>Créée le</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Expiration</translation>
    </message>
    <message>
        <source>Made by</source>
        <translation>Créée par</translation>
    </message>
    <message>
        <source>No invites yet. “Invite a colleague…” makes one.</source>
        <translation>Aucune invitation pour le moment. Utilisez «&#xa0;Inviter un collègue…&#xa0;» pour en créer une.</translation>
    </message>
    <message>
        <source>Revoke invite…</source>
        <translation>Révoquer l&apos;invitation…</translation>
    </message>
    <message>
        <source>Revoke the selected invite</source>
        <translation>Révoquer l&apos;invitation sélectionnée</translation>
    </message>
    <message>
        <source>{0} of {1}</source>
        <translation>{0} sur {1}</translation>
    </message>
    <message>
        <source> (you)</source>
        <translation> (vous)</translation>
    </message>
    <message>
        <source>Invite id {0}</source>
        <translation>Identifiant de l&apos;invitation&#xa0;: {0}</translation>
    </message>
    <message>
        <source>Select an invite first.</source>
        <translation>Sélectionnez d&apos;abord une invitation.</translation>
    </message>
    <message>
        <source>This invite is {0}; only an open invite can be revoked.</source>
        <translation>Cette invitation est {0}&#xa0;; seule une invitation active peut être révoquée.</translation>
    </message>
    <message>
        <source>Only the colleague who made this invite, or an admin, can revoke it.</source>
        <translation>Seuls le collègue qui a créé cette invitation ou un administrateur peuvent la révoquer.</translation>
    </message>
    <message>
        <source>Stop the selected invite&apos;s code from working.</source>
        <translation>Désactiver le code de l&apos;invitation sélectionnée.</translation>
    </message>
    <message>
        <source>Revoke invite</source>
        <translation>Révoquer l&apos;invitation</translation>
    </message>
    <message>
        <source>Revoke the {0} invite made on {1}?

Its code stops working: no one else can join with it. Colleagues who already joined with it stay members.</source>
        <translation>Révoquer l&apos;invitation «&#xa0;{0}&#xa0;» créée le {1}&#xa0;?

Son code cessera de fonctionner&#xa0;: plus personne ne pourra s&apos;en servir pour rejoindre le réseau. Les collègues qui l&apos;ont déjà utilisé pour le rejoindre restent membres.</translation>
    </message>
    <message>
        <source>The invite was revoked.</source>
        <translation>L&apos;invitation a été révoquée.</translation>
    </message>
</context>
<context>
    <name>JoinDialog</name>
    <message>
        <source>Join a network</source>
        <translation>Rejoindre un réseau</translation>
    </message>
    <message>
        <source>Paste the invite code a colleague gave you, or open a picture of its QR code. The code is a key: keep it private.</source>
        <translation>Collez le code d&apos;invitation qu&apos;un collègue vous a remis, ou ouvrez une image de son code QR. Ce code est une clé&#xa0;: ne le divulguez pas.</translation>
    </message>
    <message>
        <source>Invite code</source>
        <translation>Code d&apos;invitation</translation>
    </message>
    <message>
        <source>Open QR image…</source>
        <translation>Ouvrir une image du code QR…</translation>
    </message>
    <message>
        <source>Your name in this network</source>
        <translation>Votre nom dans ce réseau</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Votre nom</translation>
    </message>
    <message>
        <source>Bundle file (optional)</source>
        <translation>Fichier d&apos;échange (facultatif)</translation>
    </message>
    <message>
        <source>none: join through the network&apos;s relay</source>
        <translation>aucun&#xa0;: rejoindre le réseau par son relais</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Choisir…</translation>
    </message>
    <message>
        <source>Bundle file</source>
        <translation>Fichier d&apos;échange</translation>
    </message>
    <message>
        <source>No relay? A member can give you a bundle file made after your invite: choose it here and you join from it, offline.</source>
        <translation>Pas de relais&#xa0;? Un membre peut vous remettre un fichier d&apos;échange créé après votre invitation&#xa0;: choisissez-le ici pour rejoindre le réseau à partir de ce fichier, sans connexion.</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>Rejoindre</translation>
    </message>
    <message>
        <source>QR image</source>
        <translation>Image du code QR</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp)</source>
        <translation>Images (*.png *.jpg *.jpeg *.bmp)</translation>
    </message>
    <message>
        <source>Casebook bundles (*.casebook-bundle);;All files (*)</source>
        <translation>Fichiers d&apos;échange Casebook (*.casebook-bundle);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Reading the QR code…</source>
        <translation>Lecture du code QR…</translation>
    </message>
    <message>
        <source>Paste the invite code first.</source>
        <translation>Collez d&apos;abord le code d&apos;invitation.</translation>
    </message>
    <message>
        <source>Give your name as colleagues know it.</source>
        <translation>Indiquez votre nom tel que vos collègues le connaissent.</translation>
    </message>
    <message>
        <source>Joining from the bundle file…</source>
        <translation>Adhésion au réseau à partir du fichier d&apos;échange…</translation>
    </message>
    <message>
        <source>Joining through the relay…</source>
        <translation>Adhésion au réseau par le relais…</translation>
    </message>
</context>
<context>
    <name>LinkDialog</name>
    <message>
        <source>Link another computer</source>
        <translation>Associer un autre ordinateur</translation>
    </message>
    <message>
        <source>Making a one-time code…</source>
        <translation>Création d&apos;un code à usage unique…</translation>
    </message>
    <message>
        <source>Link code</source>
        <translation>Code d&apos;association</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>Copier le code</translation>
    </message>
    <message>
        <source>Link code as a QR code</source>
        <translation>Code d&apos;association sous forme de code QR</translation>
    </message>
    <message>
        <source>It shows the same code</source>
        <translation>Il affiche le même code</translation>
    </message>
    <message>
        <source>It does not</source>
        <translation>Ce n&apos;est pas le cas</translation>
    </message>
    <message>
        <source>On the new computer, choose “I already use Casebook on another computer” and paste this code (or scan it). It works once, for ten minutes; keep this window open until it is done.</source>
        <translation>Sur le nouvel ordinateur, choisissez «&#xa0;J&apos;utilise déjà Casebook sur un autre ordinateur&#xa0;» et collez ce code (ou scannez-le). Il ne fonctionne qu&apos;une fois, pendant dix minutes&#xa0;; laissez cette fenêtre ouverte jusqu&apos;à la fin de l&apos;opération.</translation>
    </message>
    <message>
        <source>“{0}” asks to become one of your computers. Does it show the code {1}?</source>
        <translation>«&#xa0;{0}&#xa0;» demande à être ajouté à vos ordinateurs. Affiche-t-il le code {1}&#xa0;?</translation>
    </message>
    <message>
        <source>Handing over…</source>
        <translation>Transfert en cours…</translation>
    </message>
    <message>
        <source>Declined.</source>
        <translation>Refusé.</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Copié</translation>
    </message>
    <message>
        <source>Linked “{0}” in {1} s: it now holds your library.</source>
        <translation>«&#xa0;{0}&#xa0;» associé en {1} s&#xa0;: il contient désormais votre bibliothèque.</translation>
    </message>
</context>
<context>
    <name>LinkJoinPage</name>
    <message>
        <source>Use Casebook on this computer too</source>
        <translation>Utiliser Casebook sur cet ordinateur également</translation>
    </message>
    <message>
        <source>On the computer that has your library, open Your computers → Link another computer (or run casebook device link) and paste the code it shows here. This computer gets its own passphrase.</source>
        <translation>Sur l&apos;ordinateur qui contient votre bibliothèque, ouvrez Vos ordinateurs → Associer un autre ordinateur (ou exécutez casebook device link), puis collez ici le code affiché. Cet ordinateur aura sa propre phrase secrète.</translation>
    </message>
    <message>
        <source>Link code</source>
        <translation>Code d&apos;association</translation>
    </message>
    <message>
        <source>Name of this computer</source>
        <translation>Nom de cet ordinateur</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>Phrase secrète</translation>
    </message>
    <message>
        <source>Repeat passphrase</source>
        <translation>Confirmer la phrase secrète</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>Cet ordinateur</translation>
    </message>
    <message>
        <source>Repeat it</source>
        <translation>Saisissez-la de nouveau</translation>
    </message>
    <message>
        <source>Link this computer</source>
        <translation>Associer cet ordinateur</translation>
    </message>
</context>
<context>
    <name>LiveUpdates</name>
    <message>
        <source>Time to add the outcome</source>
        <translation>Il est temps d&apos;ajouter l&apos;évolution</translation>
    </message>
    <message>
        <source>{0} of your cases await their outcome</source>
        <translation>{0} de vos cas attendent leur évolution</translation>
    </message>
    <message>
        <source>{0} mentioned you</source>
        <translation>{0} vous a mentionné</translation>
    </message>
    <message>
        <source>{0} replied to your comment</source>
        <translation>{0} a répondu à votre commentaire</translation>
    </message>
    <message>
        <source>{0} replied to your case</source>
        <translation>{0} a répondu à votre cas</translation>
    </message>
    <message>
        <source>{0} new mentions of you</source>
        <translation>{0} nouvelles mentions de vous</translation>
    </message>
    <message>
        <source>{0} new replies to your cases and comments</source>
        <translation>{0} nouvelles réponses à vos cas et commentaires</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Case</source>
        <translation>Cas</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>Répondre</translation>
    </message>
    <message>
        <source>Write a reply (Markdown)…</source>
        <translation>Rédiger une réponse (Markdown)…</translation>
    </message>
    <message>
        <source>Possible patient identifiers</source>
        <translation>Données identifiantes potentielles du patient</translation>
    </message>
    <message>
        <source>Local library · encrypted on this computer</source>
        <translation>Bibliothèque locale · chiffrée sur cet ordinateur</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Open and resolved</source>
        <translation>Ouverts et résolus</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Ouverts</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Résolus</translation>
    </message>
    <message>
        <source>Sort by</source>
        <translation>Trier par</translation>
    </message>
    <message>
        <source>Recent activity</source>
        <translation>Activité récente</translation>
    </message>
    <message>
        <source>Newest</source>
        <translation>Plus récents</translation>
    </message>
    <message>
        <source>Oldest</source>
        <translation>Plus anciens</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <source>Most replies</source>
        <translation>Nombre de réponses</translation>
    </message>
    <message>
        <source>Save search…</source>
        <translation>Enregistrer la recherche…</translation>
    </message>
    <message>
        <source>Sort:</source>
        <translation>Tri&#xa0;:</translation>
    </message>
    <message>
        <source>Save search</source>
        <translation>Enregistrer la recherche</translation>
    </message>
    <message>
        <source>Name of this search</source>
        <translation>Nom de cette recherche</translation>
    </message>
    <message>
        <source>1 matching case</source>
        <translation>1 cas correspondant</translation>
    </message>
    <message>
        <source>{0} matching cases</source>
        <translation>{0} cas correspondants</translation>
    </message>
    <message>
        <source>1 case</source>
        <translation>1 cas</translation>
    </message>
    <message>
        <source>{0} cases</source>
        <translation>{0} cas</translation>
    </message>
    <message>
        <source>&lt;h3&gt;No case selected&lt;/h3&gt;&lt;p&gt;Post a case with &lt;b&gt;New case&lt;/b&gt; (Ctrl+N), or choose one from the list.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Aucun cas sélectionné&lt;/h3&gt;&lt;p&gt;Publiez un cas avec &lt;b&gt;Nouveau cas&lt;/b&gt; (Ctrl+N), ou choisissez-en un dans la liste.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Welcome to Casebook&lt;/h2&gt;&lt;p&gt;Your library is encrypted on this computer. Cases are shared within private networks of invited colleagues.&lt;/p&gt;&lt;p&gt;&lt;a href=&apos;casebook:new-network&apos;&gt;Create a network&lt;/a&gt; and invite colleagues, or&lt;/p&gt;&lt;p&gt;&lt;a href=&apos;casebook:join&apos;&gt;Join a network with an invite&lt;/a&gt; a colleague gave you.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;Bienvenue dans Casebook&lt;/h2&gt;&lt;p&gt;Votre bibliothèque est chiffrée sur cet ordinateur. Les cas sont partagés au sein de réseaux privés de collègues invités.&lt;/p&gt;&lt;p&gt;&lt;a href=&apos;casebook:new-network&apos;&gt;Créez un réseau&lt;/a&gt; et invitez des collègues, ou&lt;/p&gt;&lt;p&gt;&lt;a href=&apos;casebook:join&apos;&gt;Rejoignez un réseau grâce à une invitation&lt;/a&gt; qu&apos;un collègue vous a remise.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Joined. The network&apos;s cases are here.</source>
        <translation>Vous avez rejoint le réseau. Ses cas sont affichés ici.</translation>
    </message>
    <message>
        <source>People</source>
        <translation>Personnes</translation>
    </message>
    <message>
        <source>Choose a network on the left.</source>
        <translation>Choisissez un réseau à gauche.</translation>
    </message>
    <message>
        <source>Moderation inbox</source>
        <translation>Boîte de modération</translation>
    </message>
    <message>
        <source>Choose a case to export first.</source>
        <translation>Choisissez d&apos;abord un cas à exporter.</translation>
    </message>
    <message>
        <source>New case</source>
        <translation>Nouveau cas</translation>
    </message>
    <message>
        <source>Choose the network to post in, on the left.</source>
        <translation>Choisissez à gauche le réseau dans lequel publier.</translation>
    </message>
    <message>
        <source>Your draft is kept: New case brings it back.</source>
        <translation>Votre brouillon est conservé&#xa0;: «&#xa0;Nouveau cas&#xa0;» le rouvrira.</translation>
    </message>
    <message>
        <source>Casebook</source>
        <translation>Casebook</translation>
    </message>
</context>
<context>
    <name>ModerationInbox</name>
    <message>
        <source>Moderation inbox: {0}</source>
        <translation>Boîte de modération&#xa0;: {0}</translation>
    </message>
    <message>
        <source>Case or comment</source>
        <translation>Cas ou commentaire</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>Signalements</translation>
    </message>
    <message>
        <source>Newest reason</source>
        <translation>Dernier motif</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Flagged items</source>
        <translation>Éléments signalés</translation>
    </message>
    <message>
        <source>Every reason given</source>
        <translation>Tous les motifs donnés</translation>
    </message>
    <message>
        <source>Flagged</source>
        <translation>Signalés</translation>
    </message>
    <message>
        <source>Hold an item for a moderator&apos;s look once</source>
        <translation>Mettre un élément en attente d&apos;examen dès que</translation>
    </message>
    <message>
        <source>never</source>
        <translation>jamais</translation>
    </message>
    <message>
        <source>Members&apos; flags that hold an item</source>
        <translation>Signalements de membres qui mettent un élément en attente</translation>
    </message>
    <message>
        <source>members flagged it</source>
        <translation>membres l&apos;ont signalé</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Enregistrer</translation>
    </message>
    <message>
        <source>Admins set this for the whole network.</source>
        <translation>Les administrateurs règlent ceci pour tout le réseau.</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Quand</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Qui</translation>
    </message>
    <message>
        <source>Did</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motif</translation>
    </message>
    <message>
        <source>What moderators did</source>
        <translation>Ce qu&apos;ont fait les modérateurs</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Journal</translation>
    </message>
    <message>
        <source>Open the case</source>
        <translation>Ouvrir le cas</translation>
    </message>
    <message>
        <source>Release</source>
        <translation>Libérer</translation>
    </message>
    <message>
        <source>Show it to members again and count its flags as looked at.</source>
        <translation>Le montrer de nouveau aux membres et compter ses signalements comme examinés.</translation>
    </message>
    <message>
        <source>(not received yet)</source>
        <translation>(pas encore reçu)</translation>
    </message>
    <message>
        <source>Comment on {0}: {1}</source>
        <translation>Commentaire sur {0}&#xa0;: {1}</translation>
    </message>
    <message>
        <source>Poll answer on {0}: {1}</source>
        <translation>Réponse au sondage sur {0} : {1}</translation>
    </message>
    <message>
        <source>Held for a look</source>
        <translation>En attente d&apos;examen</translation>
    </message>
    <message>
        <source>Hidden</source>
        <translation>Masqué</translation>
    </message>
    <message>
        <source>Acted on</source>
        <translation>Traité</translation>
    </message>
    <message>
        <source>Awaiting a look</source>
        <translation>À examiner</translation>
    </message>
    <message>
        <source>No flags in this network.</source>
        <translation>Aucun signalement dans ce réseau.</translation>
    </message>
    <message>
        <source>Choose an item.</source>
        <translation>Choisissez un élément.</translation>
    </message>
</context>
<context>
    <name>NewCaseDialog</name>
    <message>
        <source>New case in {0}</source>
        <translation>Nouveau cas dans {0}</translation>
    </message>
    <message>
        <source>Write</source>
        <translation>Rédiger</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Aperçu</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <source>e.g. Exertional syncope in a 34-year-old runner</source>
        <translation>p. ex. Syncope d&apos;effort chez un coureur de 34 ans</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Spécialité</translation>
    </message>
    <message>
        <source>Notes (Markdown)</source>
        <translation>Notes (Markdown)</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Étiquettes</translation>
    </message>
    <message>
        <source>cardiology, ecg</source>
        <translation>cardiologie, ecg</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>Pièces jointes</translation>
    </message>
    <message>
        <source>Drop files here, or use Add file…</source>
        <translation>Déposez des fichiers ici, ou utilisez Ajouter un fichier…</translation>
    </message>
    <message>
        <source>Add file…</source>
        <translation>Ajouter un fichier…</translation>
    </message>
    <message>
        <source>Tick a file that shows the patient (a face, a tattoo…): it needs written consent.</source>
        <translation>Cochez un fichier qui montre le patient (un visage, un tatouage…)&#xa0;: il demande un consentement écrit.</translation>
    </message>
    <message>
        <source>Patient&apos;s consent</source>
        <translation>Consentement du patient</translation>
    </message>
    <message>
        <source>Remind me to add the outcome</source>
        <translation>Me rappeler d&apos;ajouter l&apos;évolution</translation>
    </message>
    <message>
        <source>A reminder on your computers only</source>
        <translation>Un rappel sur vos ordinateurs seulement</translation>
    </message>
    <message>
        <source>Follow up</source>
        <translation>Suivi</translation>
    </message>
    <message>
        <source>Second opinion</source>
        <translation>Deuxième avis</translation>
    </message>
    <message>
        <source>Attachment warnings</source>
        <translation>Avertissements sur les pièces jointes</translation>
    </message>
    <message>
        <source>Photos keep only what is needed to show them: camera, GPS location, dates and other hidden metadata are removed before they are stored. Other files (PDF, Office) keep their own metadata. Do not include names, dates of birth or record numbers in the text.</source>
        <translation>Les photos ne conservent que ce qui est nécessaire à leur affichage&#xa0;: l&apos;appareil photo, la position GPS, les dates et les autres métadonnées cachées sont supprimés avant l&apos;enregistrement. Les autres fichiers (PDF, Office) conservent leurs propres métadonnées. N&apos;indiquez ni nom, ni date de naissance, ni numéro de dossier dans le texte.</translation>
    </message>
    <message>
        <source>Post case</source>
        <translation>Publier le cas</translation>
    </message>
    <message>
        <source>Your draft is back.</source>
        <translation>Votre brouillon a été restauré.</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>Joindre des fichiers</translation>
    </message>
    <message>
        <source>A case needs a title.</source>
        <translation>Un cas doit avoir un titre.</translation>
    </message>
</context>
<context>
    <name>NewNetworkDialog</name>
    <message>
        <source>New network</source>
        <translation>Nouveau réseau</translation>
    </message>
    <message>
        <source>Network name</source>
        <translation>Nom du réseau</translation>
    </message>
    <message>
        <source>e.g. Northern cardiology circle</source>
        <translation>p. ex. Cercle de cardiologie du Nord</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Use a relay run by a colleague</source>
        <translation>Utiliser un relais géré par un collègue</translation>
    </message>
    <message>
        <source>Relay address</source>
        <translation>Adresse du relais</translation>
    </message>
    <message>
        <source>Host the relay on this computer</source>
        <translation>Héberger le relais sur cet ordinateur</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>Address members reach this computer at</source>
        <translation>Adresse à laquelle les membres joignent cet ordinateur</translation>
    </message>
    <message>
        <source>No relay for now (exchange bundle files)</source>
        <translation>Pas de relais pour l&apos;instant (utiliser des fichiers d&apos;échange)</translation>
    </message>
    <message>
        <source>port</source>
        <translation>port</translation>
    </message>
    <message>
        <source>Reached at</source>
        <translation>Joignable à</translation>
    </message>
    <message>
        <source>The relay only forwards encrypted events; it never reads a case. A relay hosted here works while Casebook is open on this computer.</source>
        <translation>Le relais ne fait que transmettre des événements chiffrés&#xa0;; il ne lit jamais aucun cas. Un relais hébergé ici ne fonctionne que lorsque Casebook est ouvert sur cet ordinateur.</translation>
    </message>
    <message>
        <source>Create network</source>
        <translation>Créer le réseau</translation>
    </message>
    <message>
        <source>Give the network a name.</source>
        <translation>Donnez un nom au réseau.</translation>
    </message>
    <message>
        <source>Paste the relay&apos;s address, or choose another option below.</source>
        <translation>Collez l&apos;adresse du relais, ou choisissez une autre option ci-dessous.</translation>
    </message>
    <message>
        <source>Give the address members reach this computer at.</source>
        <translation>Indiquez l&apos;adresse à laquelle les membres joignent cet ordinateur.</translation>
    </message>
</context>
<context>
    <name>Onboarding</name>
    <message>
        <source>Building the demo library (fictional cases)…</source>
        <translation>Création de la bibliothèque de démonstration (cas fictifs)…</translation>
    </message>
    <message>
        <source>Locked. Enter your passphrase to continue.</source>
        <translation>Bibliothèque verrouillée. Saisissez votre phrase secrète pour continuer.</translation>
    </message>
    <message>
        <source>Please give your name as colleagues know it.</source>
        <translation>Veuillez indiquer votre nom tel que vos collègues le connaissent.</translation>
    </message>
    <message>
        <source>Creating your encrypted library…</source>
        <translation>Création de votre bibliothèque chiffrée…</translation>
    </message>
    <message>
        <source>The two passphrases differ.</source>
        <translation>Les deux phrases secrètes sont différentes.</translation>
    </message>
    <message>
        <source>Meeting your other computer through the relay…</source>
        <translation>Mise en relation avec votre autre ordinateur via le relais…</translation>
    </message>
    <message>
        <source>Fetching your recovery box and your library…</source>
        <translation>Réception de votre coffre de récupération et de votre bibliothèque…</translation>
    </message>
    <message>
        <source>Restoring, and asking the relays whether it is safe…</source>
        <translation>Restauration, et vérification auprès des relais que l&apos;opération est sans risque…</translation>
    </message>
    <message>
        <source>Unlocking…</source>
        <translation>Déverrouillage…</translation>
    </message>
</context>
<context>
    <name>Page</name>
    <message>
        <source>Error message</source>
        <translation>Message d&apos;erreur</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Retour</translation>
    </message>
</context>
<context>
    <name>PeopleDialog</name>
    <message>
        <source>Admins invite, remove members, change roles and start new key epochs.</source>
        <translation>Les administrateurs invitent, retirent des membres, modifient les rôles et ouvrent de nouvelles époques de clés.</translation>
    </message>
    <message>
        <source>Moderators hide or pin content and curate the library.</source>
        <translation>Les modérateurs masquent ou épinglent des contenus et organisent la bibliothèque.</translation>
    </message>
    <message>
        <source>Members post cases, comment and endorse; they invite only if the network allows it.</source>
        <translation>Les membres publient des cas, commentent et approuvent&#xa0;; ils n&apos;invitent que si le réseau le permet.</translation>
    </message>
    <message>
        <source>a member</source>
        <translation>un membre</translation>
    </message>
    <message>
        <source>a moderator</source>
        <translation>un modérateur</translation>
    </message>
    <message>
        <source>an admin</source>
        <translation>un administrateur</translation>
    </message>
    <message>
        <source>People in {0}</source>
        <translation>Personnes du réseau {0}</translation>
    </message>
    <message>
        <source>Members and invites</source>
        <translation>Membres et invitations</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Membres</translation>
    </message>
    <message>
        <source>Invites</source>
        <translation>Invitations</translation>
    </message>
    <message>
        <source>Last action</source>
        <translation>Dernière action</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erreur</translation>
    </message>
    <message>
        <source>Invite a colleague…</source>
        <translation>Inviter un collègue…</translation>
    </message>
    <message>
        <source>Invite a colleague</source>
        <translation>Inviter un collègue</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Fingerprint</source>
        <translation>Empreinte</translation>
    </message>
    <message>
        <source>Invited by</source>
        <translation>Invité par</translation>
    </message>
    <message>
        <source>Change role…</source>
        <translation>Modifier le rôle…</translation>
    </message>
    <message>
        <source>Change the selected member&apos;s role</source>
        <translation>Modifier le rôle du membre sélectionné</translation>
    </message>
    <message>
        <source>Remove from network…</source>
        <translation>Retirer du réseau…</translation>
    </message>
    <message>
        <source>Remove the selected member</source>
        <translation>Retirer le membre sélectionné</translation>
    </message>
    <message>
        <source>(name not yet received)</source>
        <translation>(nom pas encore reçu)</translation>
    </message>
    <message>
        <source> (you)</source>
        <translation> (vous)</translation>
    </message>
    <message>
        <source>, founder</source>
        <translation>, fondateur</translation>
    </message>
    <message>
        <source>Only an admin of this network can change roles or remove members.</source>
        <translation>Seul un administrateur de ce réseau peut modifier les rôles ou retirer des membres.</translation>
    </message>
    <message>
        <source>Select a member first.</source>
        <translation>Sélectionnez d&apos;abord un membre.</translation>
    </message>
    <message>
        <source>This is you; another admin can change your role or remove you.</source>
        <translation>C&apos;est vous&#xa0;; un autre administrateur peut modifier votre rôle ou vous retirer.</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>Traitement en cours…</translation>
    </message>
    <message>
        <source>Make the selected member a member, moderator or admin.</source>
        <translation>Attribuer au membre sélectionné le rôle de membre, de modérateur ou d&apos;administrateur.</translation>
    </message>
    <message>
        <source>Remove the selected member and re-key the network.</source>
        <translation>Retirer le membre sélectionné et changer les clés du réseau.</translation>
    </message>
    <message>
        <source>Change role</source>
        <translation>Modifier le rôle</translation>
    </message>
    <message>
        <source>{0}

New role for {1}:</source>
        <translation>{0}

Nouveau rôle pour {1}&#xa0;:</translation>
    </message>
    <message>
        <source>Make {0} {1}?

{2}</source>
        <translation>Faire de {0} {1}&#xa0;?

{2}</translation>
    </message>
    <message>
        <source>{0} is now {1}.</source>
        <translation>{0} est désormais {1}.</translation>
    </message>
    <message>
        <source>
• invite {0}: for {1}, made by {2}, used {3} of {4} times</source>
        <translation>
• invitation {0}&#xa0;: pour {1}, créée par {2}, utilisée {3} fois sur {4}</translation>
    </message>
    <message>
        <source>

These invite codes no longer admit anyone:</source>
        <translation>

Ces codes d&apos;invitation ne permettent plus à personne de rejoindre le réseau&#xa0;:</translation>
    </message>
    <message>
        <source>
Make a new invite for anyone who still needs one.</source>
        <translation>
Créez une nouvelle invitation pour toute personne qui en a encore besoin.</translation>
    </message>
    <message>
        <source>Remove from network</source>
        <translation>Retirer du réseau</translation>
    </message>
    <message>
        <source>Remove {0} from {1}?

They can no longer post or sync, and invites they made or joined with stop working. Casebook starts a new key epoch that only the remaining members hold, so they cannot read anything written from now on (what they already have stays on their computer).

This cannot be undone.</source>
        <translation>Retirer {0} de {1}&#xa0;?

Cette personne ne pourra plus publier ni synchroniser, et les invitations qu&apos;elle a créées ou avec lesquelles elle a rejoint le réseau cesseront de fonctionner. Casebook ouvre une nouvelle époque de clés que seuls les membres restants détiennent&#xa0;: elle ne pourra donc rien lire de ce qui sera écrit à partir de maintenant (ce qu&apos;elle possède déjà reste sur son ordinateur).

Cette action est irréversible.</translation>
    </message>
    <message>
        <source>{0} was removed. A new key epoch started: they cannot read anything written from now on.</source>
        <translation>{0} ne fait plus partie du réseau. Une nouvelle époque de clés a commencé&#xa0;: cette personne ne pourra rien lire de ce qui sera écrit à partir de maintenant.</translation>
    </message>
    <message>
        <source>{0} was removed.</source>
        <translation>{0} ne fait plus partie du réseau.</translation>
    </message>
</context>
<context>
    <name>PollActions</name>
    <message>
        <source>Poll asked.</source>
        <translation>Sondage lancé.</translation>
    </message>
    <message>
        <source>Final answer marked.</source>
        <translation>Réponse finale indiquée.</translation>
    </message>
    <message>
        <source>Answered.</source>
        <translation>Réponse envoyée.</translation>
    </message>
    <message>
        <source>Skipped.</source>
        <translation>Sondage passé.</translation>
    </message>
    <message>
        <source>Answer hidden.</source>
        <translation>Réponse masquée.</translation>
    </message>
    <message>
        <source>Answer shown again.</source>
        <translation>Réponse de nouveau affichée.</translation>
    </message>
</context>
<context>
    <name>PollAnswersDialog</name>
    <message>
        <source>Each member&apos;s answer</source>
        <translation>La réponse de chaque membre</translation>
    </message>
    <message>
        <source>Moderators and admins see who answered what. A hidden answer leaves the pooled result; members read why.</source>
        <translation>Les modérateurs et les administrateurs voient qui a répondu quoi. Une réponse masquée sort du résultat commun ; les membres en lisent la raison.</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>Membre</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Réponse</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Hide…</source>
        <translation>Masquer…</translation>
    </message>
    <message>
        <source>Show again</source>
        <translation>Afficher de nouveau</translation>
    </message>
    <message>
        <source>Hidden</source>
        <translation>Masquée</translation>
    </message>
    <message>
        <source>Counted</source>
        <translation>Comptée</translation>
    </message>
    <message>
        <source>Hide this answer</source>
        <translation>Masquer cette réponse</translation>
    </message>
    <message>
        <source>Why? Members read the reason.</source>
        <translation>Pourquoi ? Les membres lisent la raison.</translation>
    </message>
</context>
<context>
    <name>Publisher</name>
    <message>
        <source>This may identify the patient. Remove it, or post anyway:</source>
        <translation>Cet élément pourrait permettre d&apos;identifier le patient. Supprimez-le, ou publiez quand même&#xa0;:</translation>
    </message>
    <message>
        <source>
… and {0} more</source>
        <translation>
… et {0} de plus</translation>
    </message>
    <message>
        <source>Post anyway</source>
        <translation>Publier quand même</translation>
    </message>
</context>
<context>
    <name>RecoverPage</name>
    <message>
        <source>Recover with your recovery key</source>
        <translation>Récupérer avec votre clé de récupération</translation>
    </message>
    <message>
        <source>Type the recovery key you wrote down when you created your library, and the address of a relay of one of your networks (on your printed sheet, or ask a colleague). This computer becomes one of yours, with its own passphrase; then revoke the computer you lost.</source>
        <translation>Saisissez la clé de récupération que vous avez notée lors de la création de votre bibliothèque, ainsi que l&apos;adresse du relais de l&apos;un de vos réseaux (elle figure sur votre feuille imprimée, ou demandez-la à un collègue). Cet ordinateur devient l&apos;un des vôtres, avec sa propre phrase secrète&#xa0;; révoquez ensuite l&apos;ordinateur perdu.</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>Clé de récupération</translation>
    </message>
    <message>
        <source>Relay address</source>
        <translation>Adresse du relais</translation>
    </message>
    <message>
        <source>Name of this computer</source>
        <translation>Nom de cet ordinateur</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>Phrase secrète</translation>
    </message>
    <message>
        <source>Repeat passphrase</source>
        <translation>Confirmer la phrase secrète</translation>
    </message>
    <message>
        <source>Relay</source>
        <translation>Relais</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>Cet ordinateur</translation>
    </message>
    <message>
        <source>Repeat it</source>
        <translation>Saisissez-la de nouveau</translation>
    </message>
    <message>
        <source>Recover my library</source>
        <translation>Récupérer ma bibliothèque</translation>
    </message>
</context>
<context>
    <name>RecoveryKeyDialog</name>
    <message>
        <source>Your recovery key</source>
        <translation>Votre clé de récupération</translation>
    </message>
</context>
<context>
    <name>RecoveryKeyPage</name>
    <message>
        <source>Your recovery key</source>
        <translation>Votre clé de récupération</translation>
    </message>
    <message>
        <source>One more step: keep a copy of your recovery key.</source>
        <translation>Encore une étape&#xa0;: conservez une copie de votre clé de récupération.</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Continuer</translation>
    </message>
</context>
<context>
    <name>RecoveryKeyView</name>
    <message>
        <source>If this computer is lost or broken, this key brings your identity and your library to a new one (“Recover with my recovery key”). Write it down or print it, and keep it somewhere safe, away from this computer: whoever holds it can act as you.</source>
        <translation>Si cet ordinateur est perdu ou hors d&apos;usage, cette clé permet de retrouver votre identité et votre bibliothèque sur un nouvel ordinateur («&#xa0;Récupérer avec ma clé de récupération&#xa0;»). Notez-la ou imprimez-la, et conservez-la en lieu sûr, à l&apos;écart de cet ordinateur&#xa0;: quiconque la détient peut agir en votre nom.</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>Phrase secrète</translation>
    </message>
    <message>
        <source>Your passphrase, to show the key</source>
        <translation>Votre phrase secrète, pour afficher la clé</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>Clé de récupération</translation>
    </message>
    <message>
        <source>Print…</source>
        <translation>Imprimer…</translation>
    </message>
    <message>
        <source>I have written down or printed my recovery key</source>
        <translation>J&apos;ai noté ou imprimé ma clé de récupération</translation>
    </message>
    <message>
        <source>Casebook recovery key</source>
        <translation>Clé de récupération Casebook</translation>
    </message>
    <message>
        <source>Keep this sheet safe. With it, “Recover with my recovery key” restores your identity and library on a new computer, from one of these relays:</source>
        <translation>Conservez cette feuille en lieu sûr. Grâce à elle, «&#xa0;Récupérer avec ma clé de récupération&#xa0;» restaure votre identité et votre bibliothèque sur un nouvel ordinateur, à partir de l&apos;un de ces relais&#xa0;:</translation>
    </message>
</context>
<context>
    <name>RestorePage</name>
    <message>
        <source>Restore from a backup</source>
        <translation>Restaurer à partir d&apos;une sauvegarde</translation>
    </message>
    <message>
        <source>Choose a backup file of your library. This computer then is the one that was backed up; if that one is still in use, link this computer instead.</source>
        <translation>Choisissez un fichier de sauvegarde de votre bibliothèque. Cet ordinateur devient alors celui qui a été sauvegardé&#xa0;; si ce dernier est toujours utilisé, associez plutôt cet ordinateur.</translation>
    </message>
    <message>
        <source>Backup file</source>
        <translation>Fichier de sauvegarde</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Choisir…</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>Clé de récupération</translation>
    </message>
    <message>
        <source>only for a backup sealed under it</source>
        <translation>uniquement pour une sauvegarde scellée avec cette clé</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>Phrase secrète</translation>
    </message>
    <message>
        <source>Repeat passphrase</source>
        <translation>Confirmer la phrase secrète</translation>
    </message>
    <message>
        <source>Repeat it</source>
        <translation>Saisissez-la de nouveau</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Restaurer</translation>
    </message>
    <message>
        <source>Choose a backup file</source>
        <translation>Choisir un fichier de sauvegarde</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>Appearance and privacy</source>
        <translation>Apparence et confidentialité</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Thème</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>Suivre le système</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Clair</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Sombre</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>Follow the computer</source>
        <translation>Celle de l&apos;ordinateur</translation>
    </message>
    <message>
        <source> minutes</source>
        <translation> minutes</translation>
    </message>
    <message>
        <source>never</source>
        <translation>jamais</translation>
    </message>
    <message>
        <source>Lock after idle</source>
        <translation>Verrouiller après inactivité</translation>
    </message>
    <message>
        <source>Lock when idle for</source>
        <translation>Verrouiller après une inactivité de</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>Phrase secrète</translation>
    </message>
    <message>
        <source>Current passphrase</source>
        <translation>Phrase secrète actuelle</translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation>Nouvelle phrase secrète</translation>
    </message>
    <message>
        <source>New passphrase again</source>
        <translation>Confirmer la nouvelle phrase secrète</translation>
    </message>
    <message>
        <source>Change passphrase</source>
        <translation>Modifier la phrase secrète</translation>
    </message>
    <message>
        <source>Nobody can reset a forgotten passphrase; your recovery key brings your networks back on a new profile.</source>
        <translation>Personne ne peut réinitialiser une phrase secrète oubliée&#xa0;; votre clé de récupération permet de retrouver vos réseaux sur un nouveau profil.</translation>
    </message>
    <message>
        <source>Your computers</source>
        <translation>Vos ordinateurs</translation>
    </message>
    <message>
        <source>Use Casebook on another computer too, revoke one you lost, or see your recovery key again.</source>
        <translation>Utilisez aussi Casebook sur un autre ordinateur, révoquez un ordinateur perdu ou affichez de nouveau votre clé de récupération.</translation>
    </message>
    <message>
        <source>Your computers…</source>
        <translation>Vos ordinateurs…</translation>
    </message>
    <message>
        <source>Back up…</source>
        <translation>Sauvegarder…</translation>
    </message>
    <message>
        <source>Write an encrypted copy of your library to a file (your passphrase opens it)</source>
        <translation>Enregistrer une copie chiffrée de votre bibliothèque dans un fichier (votre phrase secrète permet de l&apos;ouvrir)</translation>
    </message>
    <message>
        <source>The library on this computer</source>
        <translation>La bibliothèque sur cet ordinateur</translation>
    </message>
    <message>
        <source>Compact</source>
        <translation>Compacter</translation>
    </message>
    <message>
        <source>Write the library anew without its free pages (sync, and a relay hosted here, pause meanwhile)</source>
        <translation>Réécrire la bibliothèque sans ses pages libres (la synchronisation, et un relais hébergé ici, s’interrompent pendant ce temps)</translation>
    </message>
    <message>
        <source>Relays and colleagues nearby</source>
        <translation>Relais et collègues à proximité</translation>
    </message>
    <message>
        <source>Address members reach this computer at</source>
        <translation>Adresse à laquelle les membres joignent cet ordinateur</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>Host a relay here; colleagues reach it at</source>
        <translation>Héberger un relais ici, joignable par vos collègues à l&apos;adresse</translation>
    </message>
    <message>
        <source>Sync directly with colleagues on the same network (LAN)</source>
        <translation>Synchroniser directement avec les collègues du même réseau local (LAN)</translation>
    </message>
    <message>
        <source>Sync with colleagues on the LAN</source>
        <translation>Synchroniser avec les collègues du réseau local</translation>
    </message>
    <message>
        <source>While Casebook is open it announces itself on this network with an opaque code only your networks&apos; members recognise, and syncs with them directly, also when the internet or the relay is down.</source>
        <translation>Tant que Casebook est ouvert, il signale sa présence sur ce réseau au moyen d&apos;un code opaque que seuls les membres de vos réseaux reconnaissent, et se synchronise directement avec eux, y compris lorsque Internet ou le relais est indisponible.</translation>
    </message>
    <message>
        <source>Back up your library</source>
        <translation>Sauvegarder votre bibliothèque</translation>
    </message>
    <message>
        <source>Your passphrase (the backup opens with it):</source>
        <translation>Votre phrase secrète (elle permet d&apos;ouvrir la sauvegarde)&#xa0;:</translation>
    </message>
    <message>
        <source>Writing the backup…</source>
        <translation>Écriture de la sauvegarde…</translation>
    </message>
    <message>
        <source>Wrote {0} ({1} KiB), encrypted under your passphrase.</source>
        <translation>Sauvegarde écrite dans {0} ({1}&#xa0;Kio), chiffrée avec votre phrase secrète.</translation>
    </message>
    <message>
        <source>Compacting your library…</source>
        <translation>Compactage de votre bibliothèque…</translation>
    </message>
    <message>
        <source>Compacted your library: {0} MB before, {1} MB now.</source>
        <translation>Bibliothèque compactée&#xa0;: {0}&#xa0;Mo avant, {1}&#xa0;Mo maintenant.</translation>
    </message>
    <message>
        <source>Turned off on this computer by its administrator ({0}=off).</source>
        <translation>Désactivé sur cet ordinateur par son administrateur ({0}=off).</translation>
    </message>
    <message>
        <source>{0} MB on disk, of which {1} MB are free pages that compacting gives back.</source>
        <translation>{0}&#xa0;Mo sur le disque, dont {1}&#xa0;Mo de pages libres que le compactage récupère.</translation>
    </message>
    <message>
        <source>{0} MB on disk, with no free pages.</source>
        <translation>{0}&#xa0;Mo sur le disque, sans pages libres.</translation>
    </message>
    <message>
        <source>none (colleagues on the LAN and bundle files)</source>
        <translation>aucun (collègues du réseau local et fichiers d&apos;échange)</translation>
    </message>
    <message>
        <source>No network yet: create or join one first.</source>
        <translation>Aucun réseau pour le moment&#xa0;: commencez par en créer ou en rejoindre un.</translation>
    </message>
    <message>
        <source>Stop hosting</source>
        <translation>Arrêter l&apos;hébergement</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Héberger</translation>
    </message>
    <message>
        <source>Hosting a relay for your networks at:&lt;br&gt;&lt;code&gt;{0}&lt;/code&gt;</source>
        <translation>Relais hébergé pour vos réseaux à l&apos;adresse&#xa0;:&lt;br&gt;&lt;code&gt;{0}&lt;/code&gt;</translation>
    </message>
    <message>
        <source>A relay hosted here forwards your networks&apos; encrypted events while Casebook runs on this computer; it cannot read them.</source>
        <translation>Un relais hébergé ici transmet les événements chiffrés de vos réseaux tant que Casebook fonctionne sur cet ordinateur&#xa0;; il ne peut pas les lire.</translation>
    </message>
    <message>
        <source>Only this computer reaches it (for trying Casebook out): colleagues cannot. Give the address your colleagues&apos; computers know this one by.</source>
        <translation>Seul cet ordinateur peut le joindre (pour essayer Casebook)&#xa0;: vos collègues ne le peuvent pas. Indiquez l&apos;adresse sous laquelle les ordinateurs de vos collègues connaissent celui-ci.</translation>
    </message>
    <message>
        <source>Computers on this local network reach it at {0}; it listens only there, not on other networks this computer is on.</source>
        <translation>Les ordinateurs de ce réseau local le joignent à l&apos;adresse {0}&#xa0;; il n&apos;écoute que sur ce réseau, et non sur les autres réseaux auxquels cet ordinateur est connecté.</translation>
    </message>
    <message>
        <source>It listens on every address of this computer: anyone who can reach {0} (the internet, through your router) can connect; only your networks&apos; members get in, and it reads nothing.</source>
        <translation>Il écoute sur toutes les adresses de cet ordinateur&#xa0;: quiconque peut joindre {0} (depuis Internet, via votre routeur) peut s&apos;y connecter&#xa0;; seuls les membres de vos réseaux y accèdent, et il ne lit rien.</translation>
    </message>
    <message>
        <source>The new language applies the next time Casebook starts.</source>
        <translation>La nouvelle langue s&apos;appliquera au prochain démarrage de Casebook.</translation>
    </message>
    <message>
        <source>The two new passphrases differ.</source>
        <translation>Les deux nouvelles phrases secrètes ne correspondent pas.</translation>
    </message>
    <message>
        <source>Re-encrypting your library under the new passphrase…</source>
        <translation>Rechiffrement de votre bibliothèque avec la nouvelle phrase secrète…</translation>
    </message>
    <message>
        <source>Passphrase changed. Use the new one from now on.</source>
        <translation>Phrase secrète modifiée. Utilisez désormais la nouvelle.</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Raccourcis clavier</translation>
    </message>
    <message>
        <source>Everything in Casebook works from the keyboard; these keys save time.</source>
        <translation>Tout Casebook s&apos;utilise au clavier&#xa0;; ces touches vous font gagner du temps.</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Touches</translation>
    </message>
    <message>
        <source>Move between fields and lists</source>
        <translation>Se déplacer entre les champs et les listes</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>Networks, tags and saved searches</source>
        <translation>Réseaux, étiquettes et recherches enregistrées</translation>
    </message>
    <message>
        <source>All networks</source>
        <translation>Tous les réseaux</translation>
    </message>
    <message>
        <source>{0}: {1} cases, {2} unread</source>
        <translation>{0}&#xa0;: {1} cas, {2} non lus</translation>
    </message>
    <message>
        <source>#{0}: {1} cases, {2} unread</source>
        <translation>#{0}&#xa0;: {1} cas, {2} non lus</translation>
    </message>
    <message>
        <source>Saved searches</source>
        <translation>Recherches enregistrées</translation>
    </message>
</context>
<context>
    <name>SyncIndicator</name>
    <message>
        <source>Sync status</source>
        <translation>État de la synchronisation</translation>
    </message>
    <message>
        <source>Sync progress</source>
        <translation>Progression de la synchronisation</translation>
    </message>
    <message>
        <source>No relay · looking for colleagues nearby</source>
        <translation>Aucun relais · recherche de collègues à proximité</translation>
    </message>
    <message>
        <source>Cases sync directly with colleagues&apos; computers on this network when they open Casebook; a relay or a bundle file reaches the others.</source>
        <translation>Les cas se synchronisent directement avec les ordinateurs des collègues connectés à ce réseau lorsqu&apos;ils ouvrent Casebook&#xa0;; un relais ou un fichier d&apos;échange permet d&apos;atteindre les autres.</translation>
    </message>
    <message>
        <source>On this computer only</source>
        <translation>Sur cet ordinateur uniquement</translation>
    </message>
    <message>
        <source>None of your networks has a relay yet, so cases stay on this computer. Add a relay to a network (a colleague&apos;s, or host one here) to share them.</source>
        <translation>Aucun de vos réseaux n&apos;a encore de relais&#xa0;: les cas restent donc sur cet ordinateur. Ajoutez un relais à un réseau (celui d&apos;un collègue, ou hébergez-en un ici) pour les partager.</translation>
    </message>
    <message>
        <source>Syncing… {0} of {1} events</source>
        <translation>Synchronisation… {0} événements sur {1}</translation>
    </message>
    <message>
        <source>Connected · synced {0}</source>
        <translation>Connecté · synchronisé {0}</translation>
    </message>
    <message>
        <source>Connected to {0} of {1} relays</source>
        <translation>Connecté à {0} relais sur {1}</translation>
    </message>
    <message>
        <source>Offline: {0}</source>
        <translation>Hors ligne&#xa0;: {0}</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>non connecté</translation>
    </message>
    <message>
        <source>On this computer only: no relay, no colleague nearby</source>
        <translation>Sur cet ordinateur uniquement&#xa0;: aucun relais, aucun collègue à proximité</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connexion…</translation>
    </message>
    <message>
        <source>1 colleague nearby</source>
        <translation>1 collègue à proximité</translation>
    </message>
    <message>
        <source>{0} colleagues nearby</source>
        <translation>{0} collègues à proximité</translation>
    </message>
    <message>
        <source>{0} · relay connected</source>
        <translation>{0} · relais connecté</translation>
    </message>
    <message>
        <source>{0} · relay offline</source>
        <translation>{0} · relais hors ligne</translation>
    </message>
    <message>
        <source> (colleague on this network)</source>
        <translation> (collègue sur ce réseau)</translation>
    </message>
    <message>
        <source>connected, synced {0}</source>
        <translation>connecté, synchronisé {0}</translation>
    </message>
    <message>
        <source>receiving {0} of {1}</source>
        <translation>réception de {0} sur {1}</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>connexion</translation>
    </message>
    <message>
        <source>offline ({0}); retrying in {1:.0f} s</source>
        <translation>hors ligne ({0})&#xa0;; nouvelle tentative dans {1:.0f}&#xa0;s</translation>
    </message>
    <message>
        <source>stopped: {0}</source>
        <translation>arrêté&#xa0;: {0}</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>fermé</translation>
    </message>
</context>
<context>
    <name>TextDialog</name>
    <message>
        <source>{0} (Ctrl+Return)</source>
        <translation>{0} (Ctrl+Return)</translation>
    </message>
</context>
<context>
    <name>UnlockPage</name>
    <message>
        <source>Unlock Casebook</source>
        <translation>Déverrouiller Casebook</translation>
    </message>
    <message>
        <source>Enter your passphrase to open your encrypted case library.</source>
        <translation>Saisissez votre phrase secrète pour ouvrir votre bibliothèque de cas chiffrée.</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>Phrase secrète</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Déverrouiller</translation>
    </message>
</context>
<context>
    <name>core</name>
    <message>
        <source>--listen takes HOST:PORT, e.g. 0.0.0.0:7447, got {0!r}.</source>
        <translation>--listen attend HÔTE:PORT, par exemple 0.0.0.0:7447&#xa0;; reçu {0!r}.</translation>
    </message>
    <message>
        <source>@{0} could be any of: {1}. Write more of the name.</source>
        <translation>@{0} peut désigner&#xa0;: {1}. Écrivez davantage du nom.</translation>
    </message>
    <message>
        <source>A moderator has hidden this case; it cannot be exported.</source>
        <translation>Un modérateur a masqué ce cas&#xa0;; il ne peut pas être exporté.</translation>
    </message>
    <message>
        <source>A network keeps at least one admin; make someone else admin first.</source>
        <translation>Un réseau garde au moins un administrateur&#xa0;; nommez d&apos;abord quelqu&apos;un d&apos;autre administrateur.</translation>
    </message>
    <message>
        <source>A network needs a name.</source>
        <translation>Un réseau a besoin d&apos;un nom.</translation>
    </message>
    <message>
        <source>A profile already exists in {0}; nothing was changed.</source>
        <translation>Un profil existe déjà dans {0}&#xa0;; rien n&apos;a été modifié.</translation>
    </message>
    <message>
        <source>A signed form goes with written consent.</source>
        <translation>Un formulaire signé accompagne un consentement écrit.</translation>
    </message>
    <message>
        <source>A stored text of this library is damaged; run &apos;casebook doctor --rebuild&apos; to rebuild it from the events.</source>
        <translation>Un texte enregistré dans cette bibliothèque est endommagé&#xa0;; lancez «&#xa0;casebook doctor --rebuild&#xa0;» pour le reconstruire à partir des événements.</translation>
    </message>
    <message>
        <source>A stored event is damaged and was not sent; run &apos;casebook doctor&apos; to list damaged events ({0}: {1}).</source>
        <translation>Un événement enregistré est endommagé et n&apos;a pas été envoyé&#xa0;; lancez «&#xa0;casebook doctor&#xa0;» pour lister les événements endommagés ({0}&#xa0;: {1}).</translation>
    </message>
    <message>
        <source>A stored event is damaged and its text cannot be shown; run &apos;casebook doctor&apos; to list damaged events ({0}: {1}).</source>
        <translation>Un événement enregistré est endommagé et son texte ne peut pas être affiché&#xa0;; lancez «&#xa0;casebook doctor&#xa0;» pour lister les événements endommagés ({0}&#xa0;: {1}).</translation>
    </message>
    <message>
        <source>An invite can be used 1 to {0} times.</source>
        <translation>Une invitation peut servir de 1 à {0} fois.</translation>
    </message>
    <message>
        <source>An invite expires after at least a minute and at most a year.</source>
        <translation>Une invitation expire au plus tôt après une minute et au plus tard après un an.</translation>
    </message>
    <message>
        <source>Answer or skip the poll first: until then its answers stay hidden from you.</source>
        <translation>Répondez au sondage ou passez d&apos;abord : d&apos;ici là, ses réponses vous restent cachées.</translation>
    </message>
    <message>
        <source>As a {0} you cannot invite someone as {1}.</source>
        <translation>En tant que {0}, vous ne pouvez pas inviter quelqu&apos;un comme {1}.</translation>
    </message>
    <message>
        <source>Ask for a second opinion (requested or urgent), or none.</source>
        <translation>Demandez un deuxième avis (normal ou urgent), ou aucun.</translation>
    </message>
    <message>
        <source>Authors are shown as one of: {0}.</source>
        <translation>Les auteurs sont affichés sous l&apos;une de ces formes&#xa0;: {0}.</translation>
    </message>
    <message>
        <source>Bad relay URL {0!r}: {1}.</source>
        <translation>Adresse de relais incorrecte {0!r}&#xa0;: {1}.</translation>
    </message>
    <message>
        <source>Cannot read {0}: {1}.</source>
        <translation>Impossible de lire {0}&#xa0;: {1}.</translation>
    </message>
    <message>
        <source>Cannot write {0}: {1}.</source>
        <translation>Impossible d&apos;écrire {0}&#xa0;: {1}.</translation>
    </message>
    <message>
        <source>Casebook cannot host the relay on {0} ({1}). Another program may be using that port, or this computer has no such address: choose another.</source>
        <translation>Casebook ne peut pas héberger le relais sur {0} ({1}). Un autre programme utilise peut-être ce port, ou cet ordinateur n&apos;a pas cette adresse&#xa0;: choisissez-en une autre.</translation>
    </message>
    <message>
        <source>Choose an option from 1 to {0}.</source>
        <translation>Choisissez une option de 1 à {0}.</translation>
    </message>
    <message>
        <source>Give an answer, or skip the poll.</source>
        <translation>Donnez une réponse, ou passez le sondage.</translation>
    </message>
    <message>
        <source>Give the address of a relay of one of your networks with --relay (it is on your printed recovery sheet; a colleague sees it with: casebook network show).</source>
        <translation>Donnez l&apos;adresse d&apos;un relais de l&apos;un de vos réseaux avec --relay (elle figure sur votre feuille de récupération imprimée&#xa0;; un collègue la voit avec&#xa0;: casebook network show).</translation>
    </message>
    <message>
        <source>Give your name as colleagues know it (--name).</source>
        <translation>Donnez votre nom tel que vos collègues le connaissent (--name).</translation>
    </message>
    <message>
        <source>Linking was cancelled; nothing was handed over.</source>
        <translation>L&apos;association a été annulée&#xa0;; rien n&apos;a été transmis.</translation>
    </message>
    <message>
        <source>No Casebook profile in {0}. Create one with: casebook init --name NAME</source>
        <translation>Aucun profil Casebook dans {0}. Créez-en un avec&#xa0;: casebook init --name NOM</translation>
    </message>
    <message>
        <source>No case in this library has that attachment.</source>
        <translation>Aucun cas de cette bibliothèque n&apos;a cette pièce jointe.</translation>
    </message>
    <message>
        <source>No case or comment with id {0}.</source>
        <translation>Aucun cas ni commentaire n&apos;a l&apos;identifiant {0}.</translation>
    </message>
    <message>
        <source>No case, comment or poll answer with id {0}.</source>
        <translation>Aucun cas, commentaire ou réponse de sondage avec l&apos;identifiant {0}.</translation>
    </message>
    <message>
        <source>No invite {0} in this network.</source>
        <translation>Aucune invitation {0} dans ce réseau.</translation>
    </message>
    <message>
        <source>No member {0!r} in this network.</source>
        <translation>Aucun membre {0!r} dans ce réseau.</translation>
    </message>
    <message>
        <source>No member {0!r} in this profile&apos;s networks.</source>
        <translation>Aucun membre {0!r} dans les réseaux de ce profil.</translation>
    </message>
    <message>
        <source>No network of this profile names a relay; nothing to sync with.</source>
        <translation>Aucun réseau de ce profil n&apos;indique de relais&#xa0;; rien avec quoi synchroniser.</translation>
    </message>
    <message>
        <source>No network {0!r}. Networks in this profile: {1}.</source>
        <translation>Aucun réseau {0!r}. Réseaux de ce profil&#xa0;: {1}.</translation>
    </message>
    <message>
        <source>No such case.</source>
        <translation>Ce cas n&apos;existe pas.</translation>
    </message>
    <message>
        <source>No such comment.</source>
        <translation>Ce commentaire n&apos;existe pas.</translation>
    </message>
    <message>
        <source>No such kind of draft: {0!r}.</source>
        <translation>Ce type de brouillon n&apos;existe pas&#xa0;: {0!r}.</translation>
    </message>
    <message>
        <source>No such network.</source>
        <translation>Ce réseau n&apos;existe pas.</translation>
    </message>
    <message>
        <source>No such poll.</source>
        <translation>Ce sondage n&apos;existe pas.</translation>
    </message>
    <message>
        <source>No {0} with id {1}.</source>
        <translation>Aucun {0} n&apos;a l&apos;identifiant {1}.</translation>
    </message>
    <message>
        <source>None of your computers is {0!r} (see: casebook device list).</source>
        <translation>Aucun de vos ordinateurs n&apos;est {0!r} (voir&#xa0;: casebook device list).</translation>
    </message>
    <message>
        <source>None of your networks names a relay, and linking a computer goes through one: add a relay to a network (or host one) first.</source>
        <translation>Aucun de vos réseaux n&apos;indique de relais, et l&apos;association d&apos;un ordinateur passe par un relais&#xa0;: ajoutez d&apos;abord un relais à un réseau (ou hébergez-en un).</translation>
    </message>
    <message>
        <source>Nothing to change: give a new title, field, body, tags, consent or file.</source>
        <translation>Rien à modifier&#xa0;: donnez un nouveau titre, une spécialité, un texte, des étiquettes, un consentement ou un fichier.</translation>
    </message>
    <message>
        <source>Only admins can invite in this network.</source>
        <translation>Seuls les administrateurs peuvent inviter dans ce réseau.</translation>
    </message>
    <message>
        <source>Only cases can be pinned.</source>
        <translation>Seuls les cas peuvent être épinglés.</translation>
    </message>
    <message>
        <source>Only its author can edit a comment.</source>
        <translation>Seul son auteur peut modifier un commentaire.</translation>
    </message>
    <message>
        <source>Only moderators and admins read the flags of this network; you are a {0} here.</source>
        <translation>Seuls les modérateurs et les administrateurs lisent les signalements de ce réseau&#xa0;; vous êtes {0} ici.</translation>
    </message>
    <message>
        <source>Only moderators and admins see each member&apos;s answer.</source>
        <translation>Seuls les modérateurs et les administrateurs voient la réponse de chaque membre.</translation>
    </message>
    <message>
        <source>Only the case&apos;s author can mark the final answer.</source>
        <translation>Seul l&apos;auteur du cas peut indiquer la réponse finale.</translation>
    </message>
    <message>
        <source>Only the case&apos;s author can {0}.</source>
        <translation>Seul l&apos;auteur du cas peut {0}.</translation>
    </message>
    <message>
        <source>Only the case&apos;s author or an admin can withdraw it.</source>
        <translation>Seuls l&apos;auteur du cas ou un administrateur peuvent le retirer.</translation>
    </message>
    <message>
        <source>Only the inviter or an admin can revoke an invite.</source>
        <translation>Seuls l&apos;auteur de l&apos;invitation ou un administrateur peuvent révoquer une invitation.</translation>
    </message>
    <message>
        <source>Refused: unknown event kind {0!r}.</source>
        <translation>Refusé&#xa0;: type d&apos;événement inconnu {0!r}.</translation>
    </message>
    <message>
        <source>Refused: {0}.</source>
        <translation>Refusé&#xa0;: {0}.</translation>
    </message>
    <message>
        <source>Role must be one of: {0}.</source>
        <translation>Le rôle doit être l&apos;un de&#xa0;: {0}.</translation>
    </message>
    <message>
        <source>Say a number of flags from 0 (never) to {0}.</source>
        <translation>Indiquez un nombre de signalements de 0 (jamais) à {0}.</translation>
    </message>
    <message>
        <source>Say what to change: --who-invites and/or --default-role.</source>
        <translation>Indiquez ce qui change&#xa0;: --who-invites et/ou --default-role.</translation>
    </message>
    <message>
        <source>Say why it is hidden (--reason); members see the reason.</source>
        <translation>Indiquez pourquoi il est masqué (--reason)&#xa0;; les membres voient la raison.</translation>
    </message>
    <message>
        <source>Say why the case is withdrawn (--reason); members see it.</source>
        <translation>Indiquez pourquoi le cas est retiré (--reason)&#xa0;; les membres le verront.</translation>
    </message>
    <message>
        <source>Status must be one of: {0}.</source>
        <translation>Le statut doit être l&apos;un de&#xa0;: {0}.</translation>
    </message>
    <message>
        <source>That bundle is for another network than this invite.</source>
        <translation>Ce fichier d&apos;échange concerne un autre réseau que cette invitation.</translation>
    </message>
    <message>
        <source>That computer is revoked already (or no network knows it).</source>
        <translation>Cet ordinateur est déjà révoqué (ou aucun réseau ne le connaît).</translation>
    </message>
    <message>
        <source>That invite is already revoked.</source>
        <translation>Cette invitation est déjà révoquée.</translation>
    </message>
    <message>
        <source>That member is already a {0}.</source>
        <translation>Ce membre est déjà {0}.</translation>
    </message>
    <message>
        <source>That passphrase is among the first an attacker would try. A few unrelated words (say, four) are easy to remember and hard to guess.</source>
        <translation>Cette phrase secrète est parmi les premières qu&apos;un attaquant essaierait. Quelques mots sans rapport entre eux (quatre, par exemple) sont faciles à retenir et difficiles à deviner.</translation>
    </message>
    <message>
        <source>That recovery key is another member&apos;s, not yours.</source>
        <translation>Cette clé de récupération est celle d&apos;un autre membre, pas la vôtre.</translation>
    </message>
    <message>
        <source>The backup could not be opened ({0}); nothing was restored.</source>
        <translation>La sauvegarde n&apos;a pas pu être ouverte ({0})&#xa0;; rien n&apos;a été restauré.</translation>
    </message>
    <message>
        <source>The backup&apos;s database is damaged; nothing was restored.</source>
        <translation>La base de données de la sauvegarde est endommagée&#xa0;; rien n&apos;a été restauré.</translation>
    </message>
    <message>
        <source>The backup&apos;s header is damaged ({0}).</source>
        <translation>L&apos;en-tête de la sauvegarde est endommagé ({0}).</translation>
    </message>
    <message>
        <source>The bundle has no welcome package for this invite (made before the invite, or the invite is no longer open). Ask for a fresh bundle.</source>
        <translation>Le fichier d&apos;échange ne contient pas de paquet d&apos;accueil pour cette invitation (créé avant l&apos;invitation, ou l&apos;invitation n&apos;est plus ouverte). Demandez un nouveau fichier d&apos;échange.</translation>
    </message>
    <message>
        <source>The case&apos;s consent covers {0}, not teaching; it cannot be exported for teaching. Record consent that covers teaching first.</source>
        <translation>Le consentement du cas couvre {0}, pas l&apos;enseignement&#xa0;; il ne peut pas être exporté pour l&apos;enseignement. Consignez d&apos;abord un consentement qui couvre l&apos;enseignement.</translation>
    </message>
    <message>
        <source>The comment you reply to is not part of this case.</source>
        <translation>Le commentaire auquel vous répondez ne fait pas partie de ce cas.</translation>
    </message>
    <message>
        <source>The computer that answered does not hold this link code; nothing was handed over. Make a new code.</source>
        <translation>L&apos;ordinateur qui a répondu ne détient pas ce code d&apos;association&#xa0;; rien n&apos;a été transmis. Créez un nouveau code.</translation>
    </message>
    <message>
        <source>The consent recorded for {0} does not cover teaching; remove it from the case or record consent that does.</source>
        <translation>Le consentement consigné pour {0} ne couvre pas l&apos;enseignement&#xa0;; retirez ce fichier du cas ou consignez un consentement qui le couvre.</translation>
    </message>
    <message>
        <source>The default role is one of: {0}.</source>
        <translation>Le rôle par défaut est l&apos;un de&#xa0;: {0}.</translation>
    </message>
    <message>
        <source>The device package is malformed; nothing was set up.</source>
        <translation>Le paquet de l&apos;ordinateur est mal formé&#xa0;; rien n&apos;a été configuré.</translation>
    </message>
    <message>
        <source>The disk holding {0} is full; nothing was changed. Free some space and try again.</source>
        <translation>Le disque contenant {0} est plein&#xa0;; rien n&apos;a été modifié. Libérez de l&apos;espace et réessayez.</translation>
    </message>
    <message>
        <source>The disk is full: the last change was not saved and the library is intact. Free some space and try again.</source>
        <translation>Le disque est plein&#xa0;: la dernière modification n&apos;a pas été enregistrée et la bibliothèque est intacte. Libérez de l&apos;espace et réessayez.</translation>
    </message>
    <message>
        <source>The final answer is an option from 1 to {0}.</source>
        <translation>La réponse finale est une option de 1 à {0}.</translation>
    </message>
    <message>
        <source>The final answer of a differential is a diagnosis.</source>
        <translation>La réponse finale d&apos;un différentiel est un diagnostic.</translation>
    </message>
    <message>
        <source>The invite was refused: {0}.</source>
        <translation>L&apos;invitation a été refusée&#xa0;: {0}.</translation>
    </message>
    <message>
        <source>The library database {0} is damaged or not a Casebook database ({1}). It was not modified; restore it from a backup.</source>
        <translation>La base de données de la bibliothèque {0} est endommagée ou n&apos;est pas une base Casebook ({1}). Elle n&apos;a pas été modifiée&#xa0;; restaurez-la depuis une sauvegarde.</translation>
    </message>
    <message>
        <source>The library database {0} is empty or damaged; it was not modified. Restore it from a backup.</source>
        <translation>La base de données de la bibliothèque {0} est vide ou endommagée&#xa0;; elle n&apos;a pas été modifiée. Restaurez-la depuis une sauvegarde.</translation>
    </message>
    <message>
        <source>The library database {0} is empty; it was not modified. Restore it from a backup.</source>
        <translation>La base de données de la bibliothèque {0} est vide&#xa0;; elle n&apos;a pas été modifiée. Restaurez-la depuis une sauvegarde.</translation>
    </message>
    <message>
        <source>The library database {0} is missing from {1}.</source>
        <translation>La base de données de la bibliothèque {0} est absente de {1}.</translation>
    </message>
    <message>
        <source>The library has no key.</source>
        <translation>La bibliothèque n’a pas de clé.</translation>
    </message>
    <message>
        <source>The library is busy in another Casebook process; try again in a moment.</source>
        <translation>La bibliothèque est occupée par un autre processus Casebook&#xa0;; réessayez dans un instant.</translation>
    </message>
    <message>
        <source>The library is locked; unlock it again.</source>
        <translation>La bibliothèque est verrouillée&#xa0;; déverrouillez-la de nouveau.</translation>
    </message>
    <message>
        <source>The library&apos;s new copy is damaged ({0}); nothing was changed.</source>
        <translation>La nouvelle copie de la bibliothèque est endommagée ({0})&#xa0;; rien n’a été modifié.</translation>
    </message>
    <message>
        <source>The link code names a relay none of your networks uses.</source>
        <translation>Le code d&apos;association indique un relais qu&apos;aucun de vos réseaux n&apos;utilise.</translation>
    </message>
    <message>
        <source>The link failed: {0}; nothing was set up.</source>
        <translation>L&apos;association a échoué&#xa0;: {0}&#xa0;; rien n&apos;a été configuré.</translation>
    </message>
    <message>
        <source>The network refuses this invite: {0}.</source>
        <translation>Le réseau refuse cette invitation&#xa0;: {0}.</translation>
    </message>
    <message>
        <source>The network&apos;s first event is not what it should be.</source>
        <translation>Le premier événement du réseau n&apos;est pas celui attendu.</translation>
    </message>
    <message>
        <source>The new computer sent something other than its certificate.</source>
        <translation>Le nouvel ordinateur a envoyé autre chose que son certificat.</translation>
    </message>
    <message>
        <source>The other computer declined (the comparison code did not match, or it was cancelled); nothing was set up.</source>
        <translation>L&apos;autre ordinateur a refusé (le code de comparaison ne correspondait pas, ou l&apos;opération a été annulée)&#xa0;; rien n&apos;a été configuré.</translation>
    </message>
    <message>
        <source>The passphrase must have at least {0} characters; a few unrelated words are easy to remember and hard to guess.</source>
        <translation>La phrase secrète doit comporter au moins {0} caractères&#xa0;; quelques mots sans rapport entre eux sont faciles à retenir et difficiles à deviner.</translation>
    </message>
    <message>
        <source>The profile has no identity; it is damaged.</source>
        <translation>Le profil n&apos;a pas d&apos;identité&#xa0;; il est endommagé.</translation>
    </message>
    <message>
        <source>The profile header {0} is damaged ({1}); nothing was changed.</source>
        <translation>L&apos;en-tête du profil {0} est endommagé ({1})&#xa0;; rien n&apos;a été modifié.</translation>
    </message>
    <message>
        <source>The profile is being changed; close other Casebook windows and commands, then retry.</source>
        <translation>Le profil est en cours de modification&#xa0;; fermez les autres fenêtres et commandes Casebook, puis réessayez.</translation>
    </message>
    <message>
        <source>The profile is in use by another Casebook process; close other Casebook windows and commands, then retry.</source>
        <translation>Le profil est utilisé par un autre processus Casebook&#xa0;; fermez les autres fenêtres et commandes Casebook, puis réessayez.</translation>
    </message>
    <message>
        <source>The relay refused the join: {0}.</source>
        <translation>Le relais a refusé l&apos;adhésion&#xa0;: {0}.</translation>
    </message>
    <message>
        <source>The relay {0} holds events this computer wrote after the backup was made: the computer it came from may still be in use, and two computers writing as one would conflict. Nothing was restored. To use Casebook here too, link this computer (casebook device link on the other one); if that computer is lost, use casebook recover with your recovery key.</source>
        <translation>Le relais {0} détient des événements écrits par cet ordinateur après la sauvegarde&#xa0;: l&apos;ordinateur d&apos;origine est peut-être encore utilisé, et deux ordinateurs écrivant comme un seul entreraient en conflit. Rien n&apos;a été restauré. Pour utiliser aussi Casebook ici, associez cet ordinateur (casebook device link sur l&apos;autre)&#xa0;; si cet ordinateur est perdu, utilisez casebook recover avec votre clé de récupération.</translation>
    </message>
    <message>
        <source>The relay&apos;s recovery box is malformed; try another relay.</source>
        <translation>La boîte de récupération du relais est mal formée&#xa0;; essayez un autre relais.</translation>
    </message>
    <message>
        <source>The revocation was refused: {0}.</source>
        <translation>La révocation a été refusée&#xa0;: {0}.</translation>
    </message>
    <message>
        <source>The stored attachment is damaged (its hash does not match).</source>
        <translation>La pièce jointe enregistrée est endommagée (son empreinte ne correspond pas).</translation>
    </message>
    <message>
        <source>This attachment is not on this computer yet; sync to fetch it.</source>
        <translation>Cette pièce jointe n&apos;est pas encore sur cet ordinateur&#xa0;; synchronisez pour la récupérer.</translation>
    </message>
    <message>
        <source>This backup is sealed under a passphrase; give that passphrase.</source>
        <translation>Cette sauvegarde est scellée par une phrase secrète&#xa0;; donnez cette phrase secrète.</translation>
    </message>
    <message>
        <source>This backup is sealed under the recovery key; give that key.</source>
        <translation>Cette sauvegarde est scellée par la clé de récupération&#xa0;; donnez cette clé.</translation>
    </message>
    <message>
        <source>This bundle is for a network this profile is not in. To join it, use the invite code: casebook join CODE --bundle FILE.</source>
        <translation>Ce fichier d&apos;échange concerne un réseau dont ce profil ne fait pas partie. Pour le rejoindre, utilisez le code d&apos;invitation&#xa0;: casebook join CODE --bundle FICHIER.</translation>
    </message>
    <message>
        <source>This case has no consent record, so it cannot be exported for teaching. Record consent that covers teaching first (casebook edit CASE --consent … --consent-scope network,teaching).</source>
        <translation>Ce cas n&apos;a pas de consentement consigné&#xa0;: il ne peut pas être exporté pour l&apos;enseignement. Consignez d&apos;abord un consentement qui couvre l&apos;enseignement (casebook edit CASE --consent … --consent-scope network,teaching).</translation>
    </message>
    <message>
        <source>This case is withdrawn already.</source>
        <translation>Ce cas est déjà retiré.</translation>
    </message>
    <message>
        <source>This case was withdrawn: it can no longer be discussed or changed.</source>
        <translation>Ce cas a été retiré&#xa0;: il ne peut plus être discuté ni modifié.</translation>
    </message>
    <message>
        <source>This case was withdrawn; it cannot be exported.</source>
        <translation>Ce cas a été retiré&#xa0;; il ne peut pas être exporté.</translation>
    </message>
    <message>
        <source>This case was written by an older version of Casebook; ask the poll on a new case (its poll could not be withdrawn with it).</source>
        <translation>Ce cas a été écrit par une version antérieure de Casebook&#xa0;; lancez le sondage sur un nouveau cas (son sondage ne pourrait pas être retiré avec lui).</translation>
    </message>
    <message>
        <source>This computer does not hold your recovery key: it was linked from another one. The key is shown on your first computer (casebook recovery-key there).</source>
        <translation>Cet ordinateur ne détient pas votre clé de récupération&#xa0;: il a été associé depuis un autre. La clé s&apos;affiche sur votre premier ordinateur (casebook recovery-key sur celui-ci).</translation>
    </message>
    <message>
        <source>This computer was linked and does not hold your recovery key, so revoking another computer takes it: casebook device revoke {0} --recovery-key (or revoke it from your first computer).</source>
        <translation>Cet ordinateur a été associé et ne détient pas votre clé de récupération&#xa0;; révoquer un autre ordinateur la demande donc&#xa0;: casebook device revoke {0} --recovery-key (ou révoquez-le depuis votre premier ordinateur).</translation>
    </message>
    <message>
        <source>This computer was removed from your devices; nothing it writes would reach anyone. Link it again from one of your other computers.</source>
        <translation>Cet ordinateur a été retiré de vos appareils&#xa0;; rien de ce qu&apos;il écrit ne parviendrait à personne. Associez-le de nouveau depuis l&apos;un de vos autres ordinateurs.</translation>
    </message>
    <message>
        <source>This device package is not for this computer.</source>
        <translation>Ce paquet n&apos;est pas destiné à cet ordinateur.</translation>
    </message>
    <message>
        <source>This draft is too long to keep; shorten it or send it.</source>
        <translation>Ce brouillon est trop long pour être conservé&#xa0;; raccourcissez-le ou envoyez-le.</translation>
    </message>
    <message>
        <source>This invite expired on {0}; ask for a new one.</source>
        <translation>Cette invitation a expiré le {0}&#xa0;; demandez-en une nouvelle.</translation>
    </message>
    <message>
        <source>This invite names no relay. Ask the inviter for a bundle file and run: casebook join CODE --bundle FILE</source>
        <translation>Cette invitation n&apos;indique pas de relais. Demandez un fichier d&apos;échange à la personne qui vous invite et exécutez&#xa0;: casebook join CODE --bundle FICHIER</translation>
    </message>
    <message>
        <source>This is the computer you are using; revoke it from another of your computers.</source>
        <translation>C&apos;est l&apos;ordinateur que vous utilisez&#xa0;; révoquez-le depuis un autre de vos ordinateurs.</translation>
    </message>
    <message>
        <source>This link code has expired (they last ten minutes); make a new one on the computer that has your library.</source>
        <translation>Ce code d&apos;association a expiré (il dure dix minutes)&#xa0;; créez-en un nouveau sur l&apos;ordinateur qui contient votre bibliothèque.</translation>
    </message>
    <message>
        <source>This link code names no relay; link on the LAN instead.</source>
        <translation>Ce code d&apos;association n&apos;indique pas de relais&#xa0;; associez plutôt sur le réseau local.</translation>
    </message>
    <message>
        <source>This needs the role {0}; you are a {1} here.</source>
        <translation>Cela demande le rôle {0}&#xa0;; vous êtes {1} ici.</translation>
    </message>
    <message>
        <source>This poll asks for your differential: rank diagnoses.</source>
        <translation>Ce sondage demande votre différentiel&#xa0;: classez des diagnostics.</translation>
    </message>
    <message>
        <source>This poll asks you to choose one of its options.</source>
        <translation>Ce sondage vous demande de choisir l&apos;une de ses options.</translation>
    </message>
    <message>
        <source>This profile has not received that network&apos;s first event yet.</source>
        <translation>Ce profil n&apos;a pas encore reçu le premier événement de ce réseau.</translation>
    </message>
    <message>
        <source>This profile holds the keys of no network yet; nothing to sync.</source>
        <translation>Ce profil ne détient encore les clés d&apos;aucun réseau&#xa0;; rien à synchroniser.</translation>
    </message>
    <message>
        <source>This profile is already in that network (or was removed from it).</source>
        <translation>Ce profil fait déjà partie de ce réseau (ou en a été retiré).</translation>
    </message>
    <message>
        <source>This profile was written by a newer Casebook; update the app.</source>
        <translation>Ce profil a été écrit par une version plus récente de Casebook&#xa0;; mettez l&apos;application à jour.</translation>
    </message>
    <message>
        <source>This recovery key does not open the backup (it is another member&apos;s?).</source>
        <translation>Cette clé de récupération n&apos;ouvre pas la sauvegarde (est-ce celle d&apos;un autre membre ?).</translation>
    </message>
    <message>
        <source>Who may invite: one of {0}.</source>
        <translation>Qui peut inviter&#xa0;: l&apos;un de {0}.</translation>
    </message>
    <message>
        <source>Wrong passphrase: the profile was not unlocked and nothing was changed.</source>
        <translation>Phrase secrète incorrecte&#xa0;: le profil n&apos;a pas été déverrouillé et rien n&apos;a été modifié.</translation>
    </message>
    <message>
        <source>You are no longer a member of this network; nothing you write there would reach anyone.</source>
        <translation>Vous n&apos;êtes plus membre de ce réseau&#xa0;; rien de ce que vous y écrivez ne parviendrait à personne.</translation>
    </message>
    <message>
        <source>You are not a member of this network.</source>
        <translation>Vous n&apos;êtes pas membre de ce réseau.</translation>
    </message>
    <message>
        <source>You cannot endorse your own comment.</source>
        <translation>Vous ne pouvez pas approuver votre propre commentaire.</translation>
    </message>
    <message>
        <source>You have already endorsed this comment.</source>
        <translation>Vous avez déjà approuvé ce commentaire.</translation>
    </message>
    <message>
        <source>You have answered this poll already; the first answer counts.</source>
        <translation>Vous avez déjà répondu à ce sondage&#xa0;; la première réponse compte.</translation>
    </message>
    <message>
        <source>Your library was written anew and is safe, but it could not be opened again ({0}); unlock it again.</source>
        <translation>Votre bibliothèque a été réécrite et elle est intacte, mais elle n’a pas pu être rouverte ({0})&#xa0;; déverrouillez-la de nouveau.</translation>
    </message>
    <message>
        <source>relay</source>
        <translation>relais</translation>
    </message>
    <message>
        <source>{0!r} could be any of: {1}. Type more of the fingerprint.</source>
        <translation>{0!r} peut désigner l&apos;un de&#xa0;: {1}. Saisissez davantage de l&apos;empreinte.</translation>
    </message>
    <message>
        <source>{0!r} could be any of: {1}. Use the network id.</source>
        <translation>{0!r} peut désigner l&apos;un de&#xa0;: {1}. Utilisez l&apos;identifiant du réseau.</translation>
    </message>
    <message>
        <source>{0!r} could be several of your computers; give more of its id.</source>
        <translation>{0!r} peut désigner plusieurs de vos ordinateurs&#xa0;; donnez davantage de son identifiant.</translation>
    </message>
    <message>
        <source>{0!r} is not a complete relay URL: expected {1}HOST:PORT/FINGERPRINT.</source>
        <translation>{0!r} n&apos;est pas une adresse de relais complète&#xa0;: attendu {1}HÔTE:PORT/EMPREINTE.</translation>
    </message>
    <message>
        <source>{0!r} is not a relay URL; it starts with {1} (the relay&apos;s operator gets it from `casebook-relay url`).</source>
        <translation>{0!r} n&apos;est pas une adresse de relais&#xa0;; elle commence par {1} (l&apos;opérateur du relais l&apos;obtient avec `casebook-relay url`).</translation>
    </message>
    <message>
        <source>{0!r} is not a {1} id (hexadecimal, at least {2} digits).</source>
        <translation>{0!r} n&apos;est pas un identifiant de {1} (hexadécimal, au moins {2} chiffres).</translation>
    </message>
    <message>
        <source>{0!r} is not an invite id (hexadecimal, at least 4 digits).</source>
        <translation>{0!r} n&apos;est pas un identifiant d&apos;invitation (hexadécimal, au moins 4 chiffres).</translation>
    </message>
    <message>
        <source>{0!r} matches several members; give more of the fingerprint.</source>
        <translation>{0!r} correspond à plusieurs membres&#xa0;; donnez davantage de l&apos;empreinte.</translation>
    </message>
    <message>
        <source>{0} already exists; choose another file name.</source>
        <translation>{0} existe déjà&#xa0;; choisissez un autre nom de fichier.</translation>
    </message>
    <message>
        <source>{0} from the computer that holds your recovery key (the first one you used); this computer then receives the network at its next link.</source>
        <translation>{0} depuis l&apos;ordinateur qui détient votre clé de récupération (le premier que vous avez utilisé)&#xa0;; cet ordinateur recevra ensuite le réseau à sa prochaine association.</translation>
    </message>
    <message>
        <source>{0} is a backup this version of Casebook cannot read.</source>
        <translation>{0} est une sauvegarde que cette version de Casebook ne peut pas lire.</translation>
    </message>
    <message>
        <source>{0} is a file, not a folder for a profile; choose another.</source>
        <translation>{0} est un fichier, pas un dossier pour un profil&#xa0;; choisissez-en un autre.</translation>
    </message>
    <message>
        <source>{0} is larger than a bundle can be (1 GiB).</source>
        <translation>{0} dépasse la taille maximale d&apos;un fichier d&apos;échange (1 Gio).</translation>
    </message>
    <message>
        <source>{0} is not a Casebook backup, or it is damaged.</source>
        <translation>{0} n&apos;est pas une sauvegarde Casebook, ou elle est endommagée.</translation>
    </message>
    <message>
        <source>{0} is not a Casebook backup.</source>
        <translation>{0} n&apos;est pas une sauvegarde Casebook.</translation>
    </message>
    <message>
        <source>{0} is not a Casebook bundle (or it is damaged).</source>
        <translation>{0} n&apos;est pas un fichier d&apos;échange Casebook (ou il est endommagé).</translation>
    </message>
    <message>
        <source>{0} is over {1}; nothing was posted.</source>
        <translation>{0} dépasse {1}&#xa0;; rien n&apos;a été publié.</translation>
    </message>
    <message>
        <source>{0} is {1}; attachments are limited to {2}. Nothing was posted. Reduce the file (export a smaller image or an excerpt).</source>
        <translation>{0} fait {1}&#xa0;; les pièces jointes sont limitées à {2}. Rien n&apos;a été publié. Réduisez le fichier (exportez une image plus petite ou un extrait).</translation>
    </message>
    <message>
        <source>{0} matches a case and a comment; type more of the id.</source>
        <translation>{0} correspond à un cas et à un commentaire&#xa0;; saisissez davantage de l&apos;identifiant.</translation>
    </message>
    <message>
        <source>{0} matches more than one invite; type more of the id.</source>
        <translation>{0} correspond à plusieurs invitations&#xa0;; saisissez davantage de l&apos;identifiant.</translation>
    </message>
    <message>
        <source>{0} matches more than one item; type more of the id.</source>
        <translation>{0} correspond à plusieurs éléments ; tapez davantage de l&apos;identifiant.</translation>
    </message>
    <message>
        <source>{0} matches more than one {1}; type more of the id.</source>
        <translation>{0} correspond à plusieurs {1}&#xa0;; saisissez davantage de l&apos;identifiant.</translation>
    </message>
    <message>
        <source>{0}: cannot be read ({1}).</source>
        <translation>{0}&#xa0;: illisible ({1}).</translation>
    </message>
    <message>
        <source>{0}: not a regular file.</source>
        <translation>{0}&#xa0;: n&apos;est pas un fichier ordinaire.</translation>
    </message>
</context>
</TS>
